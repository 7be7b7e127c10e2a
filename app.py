"""AskScience web app: ``python app.py`` runs the same server as ``askscience serve``."""

import sys

from bot.web.app import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
