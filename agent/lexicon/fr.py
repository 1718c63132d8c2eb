"""French: "Milo et James devant le tableau blanc", "sans Milo", "James n'est pas là"."""

from agent.lexicon.base import Lexicon

LEXICON = Lexicon(
    language="fr",
    and_words=("et", "ou"),
    without=("sans", "sauf", "excepté", "pas de", "pas", "ni"),
    fillers=("est", "sont", "reste", "aujourd'hui", "encore", "déjà", "était", "vient de", "s'est",
             "suis", "sommes", "es", "serai", "sera", "me", "suis parti", "malheureusement"),
    away_re=(
        r"n'est\s+pas(?:\s+là|\s+ici|\s+venu|\s+venue)?", r"n'est\s+plus\s+là",
        r"(?:est\s+)?(?:malade|absent|absente|ailleurs|dehors|à\s+la\s+maison|chez\s+(?:lui|elle|soi|eux|le\s+médecin|le\s+dentiste))",
        r"(?:est\s+)?en\s+(?:vacances|congé|congés|réunion|voyage|déplacement|week-end|weekend|rendez-vous|conférence|télétravail)",
        r"(?:est\s+)?(?:au|à\s+la)\s+(?:déjeuner|restaurant|médecin|dentiste|cinéma|maison|banque|poste)",
        r"manque", r"pas\s+là", r"(?:a|ont)\s+quitté",
        r"(?:dans\s+(?:le|la|l')\s*(?:placard|cuisine|couloir|cave|garage|bureau\s+d'à\s+côté|pièce\s+d'à\s+côté)|"
        r"(?:recharge|recharger)\s+ses\s+batteries|à\s+l'h[ôo]pital|à\s+la\s+clinique|éteint|éteinte|débranché|débranchée|en\s+panne|en\s+réparation)",
    ),
    away_unless_here_re=(
        r"(?:est\s+|sont\s+)?(?:parti|partie|partis|parties|sorti|sortie|sortis|sorties|allé|allée|allés|allées|"
        r"rentré|rentrée|rentrés|rentrées)(?![\w])",
        r"(?:va|vont|part|partent|sort|sortent)\s+(?:au|à|chez|en|déjeuner|manger)(?![\w])",
    ),
    clause_words=("et", "mais", "pendant que", "parce que", "donc", "alors", "puis", "quand", "tandis que"),
    lab_words=("labo", "laboratoire"),
    asides=(r"[a-zéèêàù]+ment", r"hélas", r"bien\s+sûr", r"comme\s+prévu", r"comme\s+toujours"),
    carry_on=("est", "n'est", "ne", "sera", "va", "doit", "a"),
    empty_scene=("n'y a personne", "sans personne", "personne n'est", "vide", "déserte", "désert"),
    # "personne" alone is nobody; "une personne", "la personne" is someone.
    empty_scene_re=(r"(?<!une\s)(?<!la\s)(?<!cette\s)(?<!chaque\s)(?<!seule\s)(?<!quelle\s)(?<!autre\s)(?<!toute\s)(?<!en\s)"
                    r"(?<![\w'])personne(?![\w])",),
    everyone=("tout le monde", "les deux", "tous"),
    request_re=(r"\b(?:dessine|dessinez|fais|faites|montre|montrez)(?:[\s-]+moi)?\b",
                r"\bs'il\s+(?:te|vous)\s+pla[iî]t\b", r"\b(?:stp|svp)\b", r"\bpeux-tu\b", r"\bje\s+veux\b"),
    # The sheet's aliases are English; these are the same people in French.
    alias_words={"raton laveur": "raccoon", "raton-laveur": "raccoon", "ratons laveurs": "raccoon",
                 "patron": "the boss", "le chef": "the boss", "mon chef": "the boss", "notre chef": "the boss",
                 "l'humain": "the human",
                 "propriétaire": "owner", "proprio": "owner", "chef": "boss", "humain": "human"},
    garments=("t-shirt", "tee-shirt", "maillot", "sweat", "chemise", "torse", "poitrine", "haut"),
    shirt_links=("avec écrit", "avec l'inscription", "avec le texte", "où il est écrit", "qui dit",
                 "marqué", "écrit", "avec", "avec marqué", "avec les mots", "sur lequel on lit", "sur lequel est écrit",
                 "sur lequel il est écrit", "où on lit", "où l'on lit", "où est écrit", "qui affiche", "portant"),
    on_garment=("sur le t-shirt", "sur son t-shirt", "sur le torse", "sur son torse"),
    text_carriers=("panneau", "pancarte", "tasse", "écran", "tableau", "affiche"),
    walls={
        "north": ("baie", "baie de serveurs", "serveurs", "serveur", "câbles", "câble", "switch", "rack"),
        "east": ("bureau", "écran", "écrans", "moniteur", "moniteurs", "clavier", "café", "tasse", "tasses"),
        "south": ("pédale", "pédaler", "pédalant", "vélo", "vélo d'appartement", "fenêtre", "plantes", "plante", "télé", "télévision",
                  "arrose"),
        "west": ("imprime", "imprimer", "imprimant", "impression 3d", "tableau blanc", "tableau", "canapé", "établi", "soude", "souder", "imprimante 3d",
                 "imprimante", "sieste"),
    },
    places=("au", "à", "à la", "sur", "devant", "près de", "dans", "sous", "à côté de"),
    not_names=("mille", "mil"),
    function_words=("et", "au", "à", "la", "le", "les", "sur", "sous", "avec", "sans", "devant", "près",
                    "de", "du", "est", "dans", "un", "une"),
    naming=("appelé", "appelée", "nommé", "nommée", "qui s'appelle", "intitulé", "intitulée"),
    me_words=(r"je", r"j'", r"moi(?:-même)?"),  # "j'arrose": the pattern lets an elided word end at its apostrophe
    us_words=(r"nous(?:\s+deux)?",),
    my_words=(r"mon", r"ma", r"mes"),
    longing=(r"attend", r"attendant", r"pense\s+à", r"manque\s+à"),
    alone=(r"(?:tout\s+|toute\s+)?(?:seul|seule)",),
    determiners=("le", "la", "l'", "notre"),
    people_nouns=("type", "homme", "mec", "monsieur", "personne", "gars"),
)
