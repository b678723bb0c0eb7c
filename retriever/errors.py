"""Errors every store raises, so that the CLIs and the API report them in one line whichever store is configured."""


class IndexUnavailable(Exception):
    """The index is missing, corrupt, busy with another writer, or was built for another embedder."""
