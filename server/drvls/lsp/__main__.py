import sys

from drvls.lsp import main

raise SystemExit(main(sys.argv[1:]))
