"""``python -m jixiao`` runs the ``jixiao`` command."""

from jixiao.cli import main

if __name__ == "__main__":
    main()
