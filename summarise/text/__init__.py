"""Text logic: languages, detection, sentence splitting and cutting, normalising, boilerplate, protected spans."""
