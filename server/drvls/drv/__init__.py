"""`.drv` rule files: the rule model, Markdown rule sources, the v1/v2 binary formats."""
