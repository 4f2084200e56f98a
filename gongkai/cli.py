"""The ``gongkai`` console script: Django's ``manage.py`` under the project's name."""

import os
import sys


def main() -> None:
    """Run a management command with gongkai's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
