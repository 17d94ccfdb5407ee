"""The coordination desk's forms, one module per part of the desk."""
