"""French: "Milo et James devant le tableau blanc", "sans Milo", "James n'est pas là"."""

from agent.lexicon.base import Lexicon

LEXICON = Lexicon(
    language="fr",
    and_words=("et", "ou"),
    without=("sans", "sauf", "excepté", "pas de", "pas", "ni"),
    copulas=("est", "reste", "aujourd'hui", "encore", "déjà"),
    absent_after_re=(
        r"n'est\s+pas(?:\s+là|\s+ici|\s+venu)?", r"(?:est\s+)?(?:malade|absent|absente|en\s+vacances|"
        r"en\s+congé|en\s+réunion|ailleurs|à\s+la\s+maison|chez\s+lui)",
        r"(?:est\s+)?(?:parti|partie|rentré|rentrée)", r"manque", r"pas\s+là",
    ),
    empty_scene=("n'y a personne", "sans personne", "personne n'est", "vide", "déserte", "désert"),
    everyone=("tout le monde", "les deux", "tous"),
    request_re=(r"\b(?:dessine|dessinez|fais|faites|montre|montrez)(?:[\s-]+moi)?\b",
                r"\bs'il\s+(?:te|vous)\s+pla[iî]t\b", r"\b(?:stp|svp)\b", r"\bpeux-tu\b", r"\bje\s+veux\b"),
    alias_words={"raton laveur": "raccoon", "raton-laveur": "raccoon", "ratons laveurs": "raccoon"},
    garments=("t-shirt", "tee-shirt", "maillot", "sweat", "chemise", "torse", "poitrine", "haut"),
    shirt_links=("avec écrit", "avec l'inscription", "avec le texte", "où il est écrit", "qui dit",
                 "marqué", "écrit", "avec", "avec marqué", "avec les mots"),
    on_garment=("sur le t-shirt", "sur son t-shirt", "sur le torse", "sur son torse"),
    text_carriers=("panneau", "pancarte", "tasse", "écran", "tableau", "affiche"),
    walls={
        "north": ("baie", "baie de serveurs", "serveurs", "serveur", "câbles", "câble", "switch", "rack"),
        "east": ("bureau", "écran", "écrans", "moniteur", "moniteurs", "clavier", "café", "tasse", "tasses"),
        "south": ("vélo", "vélo d'appartement", "fenêtre", "plantes", "plante", "télé", "télévision",
                  "arrose"),
        "west": ("tableau blanc", "tableau", "canapé", "établi", "soude", "souder", "imprimante 3d",
                 "imprimante", "sieste"),
    },
    places=("au", "à", "à la", "sur", "devant", "près de", "dans", "sous", "à côté de"),
    not_names=("mille", "mil"),
    function_words=("et", "au", "à", "la", "le", "les", "sur", "sous", "avec", "sans", "devant", "près",
                    "de", "du", "est", "dans", "un", "une"),
)
