"""A local, in-memory server that speaks the subset of GitHub's REST API that PyGithub calls."""
