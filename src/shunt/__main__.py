from shunt.cli import main

main()
