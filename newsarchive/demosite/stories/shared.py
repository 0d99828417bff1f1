"""A paragraph quoting the mayor that two different stories carry word for word.

It is story text in both: learned boilerplate must not cut it (issue 3's false-positive test).
"""

SHARED_QUOTE = "We built this town on the water, and we are not going to turn our backs on it now"
SHARED_QUOTE_PARAGRAPH = f"\u201c{SHARED_QUOTE},\u201d Mayor Teresa Okafor said."
