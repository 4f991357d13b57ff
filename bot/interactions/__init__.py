"""Discord interaction plumbing every feature shares, written once.

replies.py (answer whatever the interaction's state, never ping), timing.py (the log line's duration),
error_handler.py (errors to friendly replies or incident ids), base.py (BaseModal, RoutedItem for dynamic
items), views.py (BaseView, Confirm, Paginator), titles.py (the title option with autocomplete) and
groups.py (the /review group two features add to).
"""
