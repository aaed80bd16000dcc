"""One module per GitHub resource, plus the control API under /_local/."""
