"""The seed file's schema: the world the server starts from."""
