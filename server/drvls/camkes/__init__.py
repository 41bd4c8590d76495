"""CAmkES ADL/IDL: preprocessing, parsing, app-level name resolution and camkes-tool's semantic checks."""
