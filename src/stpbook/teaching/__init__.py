"""Teaching documents built from the book: the student handout and the offline pack."""
