from textver.cli import main

main()
