"""Small compose projects, one module per batch of rules, each with a ``CASES`` list of
``(files, rule, expected)``: ``files`` is the text of ``compose.yaml`` or a mapping of file names
to texts (an override file, ``.env``, a Dockerfile, ``.gitignore``); ``expected`` lists the
lines where the rule must report, as ``12`` (in compose.yaml) or ``"compose.override.yaml:3"``;
an empty list means the rule must stay quiet."""
