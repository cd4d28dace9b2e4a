"""argmine: argument mining for geopolitical commentary, as spaCy components."""
__version__ = "0.1.0"

# Importing the component modules registers their factories with spaCy.
from . import actors, claims, facts, stance  # noqa: E402,F401
