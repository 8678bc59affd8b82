from portalwatch.scheduler.cli import main

main()
