"""The analysis core: text in, model and diagnostics out. Never imports pygls or lsprotocol."""
