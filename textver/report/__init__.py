"""Reports of a comparison for people: the terminal view (:mod:`.text`) and the HTML reviewing
report (:mod:`.html`), both drawn from the one plain-data model in :mod:`.model` so they always
agree on figures and on the words used for each kind of change."""
