"""Spanish: "Milo y James en el escritorio", "sin Milo", "James no está"."""

from agent.lexicon.base import Lexicon

LEXICON = Lexicon(
    language="es",
    and_words=("y", "e", "o"),
    without=("sin", "excepto", "menos", "salvo", "ni", "no"),
    copulas=("está", "esta", "se", "hoy", "ya", "también"),
    absent_after_re=(
        r"no\s+(?:está|esta|viene|aparece|sale|hoy)", r"(?:está|esta)\s+(?:enfermo|enferma|de\s+vacaciones|"
        r"en\s+casa|fuera|ausente|en\s+una\s+(?:reunión|reunion|conferencia))",
        r"(?:se\s+)?(?:fue|ha\s+ido)(?:\s+a\s+casa)?", r"falta", r"de\s+vacaciones", r"enfermo", r"enferma",
    ),
    empty_scene=("nadie", "vacío", "vacio", "vacía", "vacia", "sin nadie", "desierto", "desierta"),
    everyone=("todos", "ambos", "los dos"),
    request_re=(r"\b(?:dibuja|dibújame|dibujame|haz|hazme|muéstrame|muestrame|pinta|píntame)\b",
                r"\bpor\s+favor\b", r"\bpuedes\b", r"\bquiero\b"),
    alias_words={"mapache": "raccoon", "mapaches": "raccoon"},
    garments=("camiseta", "playera", "remera", "polera", "camisa", "sudadera", "pecho"),
    shirt_links=("que dice", "que pone", "que diga", "con la frase", "con el texto", "con", "diciendo",
                 "con las palabras"),
    on_garment=("en la camiseta", "en su camiseta", "en el pecho", "en su pecho"),
    text_carriers=("cartel", "letrero", "taza", "pantalla", "pizarra", "nota"),
    walls={
        "north": ("servidor", "servidores", "cables", "cable", "red", "rack"),
        "east": ("escritorio", "monitor", "monitores", "pantalla", "pantallas", "teclado", "café", "taza",
                 "tazas", "portátil"),
        "south": ("bici", "bicicleta", "bicicleta estática", "bici estática", "ventana", "plantas",
                  "planta", "tele", "televisión", "regando"),
        "west": ("pizarra", "pizarrón", "pizarron", "sofá", "sofa", "banco de trabajo", "soldando",
                 "soldar", "impresora 3d", "impresora", "siesta", "durmiendo"),
    },
    places=("en", "junto a", "junto al", "frente a", "frente al", "sobre", "al", "cerca de", "delante de"),
    not_names=("mil", "mío", "mio", "mijo", "mito", "jamás", "jamas", "mila"),
    function_words=("y", "en", "el", "la", "los", "las", "con", "sin", "junto", "frente", "de", "del",
                    "al", "está", "un", "una", "dibuja", "a"),
)
