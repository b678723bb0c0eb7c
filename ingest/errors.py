"""The one error every reader raises; it lives apart so that readers and decoders can share it without a cycle."""


class UnreadableFile(Exception):
    """The file cannot be turned into text; the message says why (shown in the ingest summary)."""
