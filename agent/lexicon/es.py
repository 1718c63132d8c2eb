"""Spanish: "Milo y James en el escritorio", "sin Milo", "James no está"."""

from agent.lexicon.base import Lexicon

LEXICON = Lexicon(
    language="es",
    and_words=("y", "e", "o"),
    without=("sin", "excepto", "menos", "salvo", "ni", "no"),
    fillers=("está", "esta", "están", "estaba", "se", "hoy", "ya", "también", "ha", "han", "había", "sigue",
             "estoy", "estamos", "estás", "estaré", "estará", "me", "he",
             "todavía", "aún", "ahora", "otra vez"),
    away_re=(
        r"no\s+(?:está|esta|están|estará|vino|viene|vendrá|ha\s+venido|aparece|sale|va\s+a\s+venir|puede\s+venir|hoy)",
        r"(?:está\s+|esta\s+|anda\s+)?de\s+(?:vacaciones|viaje|baja|permiso|fiesta|luna\s+de\s+miel)",
        r"(?:está\s+|esta\s+)?(?:enfermo|enferma|fuera|ausente|en\s+casa|de\s+viaje)",
        r"(?:se\s+)?(?:fue|ha\s+ido|marchó|volvió)\s+a\s+casa", r"falta",
        r"(?:está\s+|esta\s+)?en\s+(?:una|la|el)\s+(?:reunión|reunion|conferencia|médico|medico|dentista|hospital|boda)",
        r"(?:está\s+|esta\s+)?(?:con\s+el|en\s+el)\s+(?:médico|medico|dentista)",
    ),
    away_unless_here_re=(
        r"(?:se\s+)?(?:fue|fueron|ha\s+ido|han\s+ido|va|van|marchó|ha\s+marchado|salió|salieron|ha\s+salido|sale|largó)(?![\w])",
    ),
    clause_words=("y", "pero", "mientras", "porque", "así que", "entonces", "aunque", "cuando"),
    lab_words=("laboratorio",),
    asides=(r"[a-záéíóú]+mente", r"por\s+desgracia", r"como\s+siempre", r"claro"),
    carry_on=("está", "no", "estará", "se", "ha", "va", "tiene", "debe"),
    empty_scene=("nadie", "vacío", "vacio", "vacía", "vacia", "sin nadie", "desierto", "desierta"),
    everyone=("todos", "ambos", "los dos"),
    request_re=(r"\b(?:dibuja|dibújame|dibujame|haz|hazme|muéstrame|muestrame|pinta|píntame)\b",
                r"\bpor\s+favor\b", r"\bpuedes\b", r"\bquiero\b"),
    # The sheet's aliases are English; these are the same people in Spanish.
    alias_words={"mapache": "raccoon", "mapaches": "raccoon", "jefe": "the boss", "el humano": "the human"},
    garments=("camiseta", "playera", "remera", "polera", "camisa", "sudadera", "pecho"),
    shirt_links=("que dice", "que pone", "que diga", "con la frase", "con el texto", "con", "diciendo",
                 "con las palabras", "en la que pone", "en la que dice", "en el que pone", "en el que dice",
                 "donde pone", "donde dice", "que reza"),
    on_garment=("en la camiseta", "en su camiseta", "en el pecho", "en su pecho"),
    text_carriers=("cartel", "letrero", "taza", "pantalla", "pizarra", "nota"),
    walls={
        "north": ("servidor", "servidores", "cables", "cable", "red", "rack"),
        "east": ("escritorio", "monitor", "monitores", "pantalla", "pantallas", "teclado", "café", "taza",
                 "tazas", "portátil"),
        "south": ("pedaleando", "pedalea", "bici", "bicicleta", "bicicleta estática", "bici estática", "ventana", "plantas",
                  "planta", "tele", "televisión", "regando"),
        "west": ("imprimiendo", "imprime", "imprimir", "pizarra", "pizarrón", "pizarron", "sofá", "sofa", "banco de trabajo", "soldando",
                 "soldar", "impresora 3d", "impresora", "siesta", "durmiendo"),
    },
    places=("en", "junto a", "junto al", "frente a", "frente al", "sobre", "al", "cerca de", "delante de"),
    not_names=("mil", "mío", "mio", "mijo", "mito", "jamás", "jamas", "mila"),
    function_words=("y", "en", "el", "la", "los", "las", "con", "sin", "junto", "frente", "de", "del",
                    "al", "está", "un", "una", "dibuja", "a"),
    naming=("llamado", "llamada", "que se llama", "de nombre", "titulado", "titulada"),
    # "yo" at the very start before a comma or a name is the English greeting ("yo, Milo at …").
    me_words=(r"(?<!^)yo|yo(?!\s*[,!]|\s+(?-i:[A-Z]))", r"mí", r"conmigo"),
    us_words=(r"nosotros(?:\s+dos)?", r"nosotras(?:\s+dos)?"),
    my_words=(r"mi", r"mis"),
    longing=(r"extraña", r"echa\s+de\s+menos\s+a", r"espera\s+a", r"esperando\s+a"),
    alone=(r"(?:solito|solita|sola|solo)(?!\s+(?:el|la|los|las|un|una)\b)",),
)
