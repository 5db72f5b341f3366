from django.core.management.base import BaseCommand

from studio.styles import install_default_styles


class Command(BaseCommand):
    help = "Install the built-in brush-stroke styles that are missing (safe to run again)."

    def handle(self, **options):
        installed = install_default_styles(log=lambda text: self.stdout.write(text))
        if installed:
            self.stdout.write(self.style.SUCCESS(f"Installed {len(installed)} style(s)."))
        else:
            self.stdout.write("Default styles already installed.")
