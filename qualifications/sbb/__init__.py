"""SBB's kwalificatiedossier XML export, from file to database, one layer per module.

- ``records``: the parsed data classes (and their content hash) the reader hands out;
- ``text``: cleaning CDATA and escaped HTML into the project's plain text;
- ``parse``: the streaming, defused walk over the file, one ``<dossier>`` at a time;
- ``dossier``: one ``<dossier>`` element read into a ``ParsedDossier``;
- ``importer``: the service that stores parsed dossiers, with versions (the only layer that
  touches the database).
"""
