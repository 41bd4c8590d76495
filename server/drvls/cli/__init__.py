"""The command-line face: `drvls check`, `serve`, `rules`, and the `.drv` and signing commands."""
