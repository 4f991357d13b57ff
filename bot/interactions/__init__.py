"""Discord interaction plumbing every feature shares, written once.

replies.py (answer whatever the interaction's state, never ping; note_done for truthful answers after a
failure), timing.py (the log line's duration), error_handler.py (errors to friendly replies or incident ids),
binding.py (who may use a button, select or modal: its server, its owner, that server's moderators),
base.py (BaseModal and open_modal, RoutedItem for dynamic items), views.py (BaseView, Confirm, Paginator),
titles.py (the title option with autocomplete) and groups.py (the /review group two features add to).
"""
