# ruff: noqa: E501
# French for the strings of issue 10 (forum real-time). Apply after `make messages`:
# .venv/bin/python /work/wt/_tools/translate.py locale/fr/LC_MESSAGES/django.po docs-proposal/issue10-realtime-fr.py
FR = {
    "A new post was added at the end of the thread.": "Un nouveau message a été ajouté à la fin de la discussion.",
    "1 new post: show it": "1 nouveau message : l'afficher",
    "{n} new posts: show them": "{n} nouveaux messages : les afficher",
    "1 member reading": "1 membre lit cette discussion",
    "{n} members reading": "{n} membres lisent cette discussion",
    "{name} is writing…": "{name} est en train d'écrire…",
    "This post was hidden by a moderator.": "Ce message a été masqué par une personne modératrice.",
    "This thread was changed by a moderator: reload the page to see it.": "Une personne modératrice a modifié cette discussion : rechargez la page pour voir les changements.",
    "Connection lost: reconnecting…": "Connexion perdue : reconnexion en cours…",
    "Live updates are unavailable: the page checks for new posts every 15 seconds.": "Les mises à jour en direct ne sont pas disponibles : la page vérifie les nouveaux messages toutes les 15 secondes.",
    "You can no longer read this thread: live updates stopped.": "Vous ne pouvez plus lire cette discussion : les mises à jour en direct sont arrêtées.",
    "Sending your reply…": "Envoi de votre réponse…",
    "Your reply is posted.": "Votre réponse est publiée.",
    "Your reply could not be sent: it is kept in the form, try again.": "Votre réponse n'a pas pu être envoyée : elle est conservée dans le formulaire, réessayez.",
}
