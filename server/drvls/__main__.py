from drvls.cli.main import main

raise SystemExit(main())
