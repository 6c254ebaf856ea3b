"""The sharing question: is a disclosure documented, and on what basis."""
