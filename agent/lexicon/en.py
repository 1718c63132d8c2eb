"""English: the language most requests are in. Wall words are in agent/walls.py."""

from agent.lexicon.base import Lexicon

# Places away from the lab: "at the dentist", "at a conference in Berlin", "at my sister's wedding".
_AWAY_PLACES = (
    r"conference|meeting|meetup|lunch|dinner|breakfast|brunch|dentist|dentist's|doctor|doctor's|"
    r"hospital|clinic|vet|vet's|wedding|funeral|offsite|off-site|summit|airport|(?:train|bus|railway|tube|petrol|gas)\s+station|school|"
    r"university|uni|college|party|concert|workshop|seminar|standup|stand-up|retreat|trade\s+show|"
    r"trade\s+fair|fair|expo|convention|hackathon|appointment|all-hands|bank|post\s+office|shop|"
    r"shops|store|supermarket|pharmacy|pub|bar|restaurant|cafe|café|coffee\s+shop|cinema|movies|"
    r"beach|church|court|embassy|hairdresser|hairdresser's|barber|barber's|mechanic|garage|daycare|"
    r"kindergarten|home(?!\s+(?:in|at)\s+the\s+(?:lab|office))|interview|hotel|office\s+party|game|match|gig|festival|zoo|museum|"
    r"practice|training\s+session|rehearsal|lessons?|class|pickup|pick-up|drop-off|recital|tournament|"
    # someone's home, the apostrophe dropped: "at his grandmas", "at her in-laws"
    r"(?:mom|mum|mother|dad|father|parent|grandma|grandpa|gran|granny|nan|nana|nanna|grandparent|in-law|inlaw|sister|brother|"
    r"aunt|auntie|uncle|cousin|girlfriend|boyfriend|wife|husband|partner|friend|mate|neighbou?r)(?:s|'s|s')?|"
    r"gym\s+(?:downtown|in\s+town|across\s+town|nearby|down\s+the\s+road|round\s+the\s+corner)"
)
_DET = r"(?:(?:a|an|the|his|her|their|my|our|your|some|this|that)\s+)?"
# Going somewhere: the verb, and a particle that may follow it ("went out", "popped over").
_MOTION = (
    r"went|go|goes|going|gone|headed|heading|heads|head|ran|run|runs|running|stepped|steps|stepping|"
    r"popped|pops|popping|nipped|nips|nipping|slipped|slips|slipping|snuck|sneaked|sneaks|sneaking|"
    r"dashed|dashes|dashing|rushed|rushes|rushing|hurried|hurries|hurrying|wandered|wanders|wandering|"
    r"walked|walks|drove|drives|driving|flew|flies|flying|flown|moved|moves|left|leaves|leaving|"
    r"disappeared|disappears|vanished|vanishes|escaped|escapes|took\s+off|takes\s+off|set\s+off|"
    r"sets\s+off|raced|races|racing|shot|legged\s+it|scooted|scampered|scurried|zoomed|biked|cycled"
)
_PARTICLE = r"(?:\s+(?:out|off|away|over|back|up|down|along|round|around|outside|quickly|early))?"

LEXICON = Lexicon(
    language="en",
    and_words=("and", "n", "'n'", "&", "+", "plus", "or", "nor", "and also", "as well as"),
    without=(
        "without", "w/o", "w/out", "minus", "except", "except for", "excluding", "but not", "not",
        "no", "no more", "never", "other than", "apart from", "aside from", "instead of",
        "rather than", "skip", "skipping", "drop", "remove", "exclude", "leave out", "lose",
        "ditch", "forget", "omit", "hide", "don't draw", "dont draw", "do not draw",
        "don't include", "do not include", "don't show", "do not show", "don't add", "no need for",
        "without any", "🚫", "❌", "⛔", "🙅", "✖️", "✖", "❎", "no sign of", "no trace of", "not a trace of",
        "not a sign of",
    ),
    fillers=(
        "is", "'s", "was", "are", "were", "'re", "am", "'m", "be", "been", "being", "has", "have",
        "'ve", "had", "'d", "will", "'ll", "would", "shall", "should", "must", "might", "may", "can",
        "could", "just", "already", "still", "probably", "currently", "now", "today", "tonight",
        "all", "both", "together", "again", "also", "finally", "apparently", "totally", "completely",
        "sadly", "unfortunately", "officially", "basically", "literally", "suddenly", "quickly",
        "quietly", "secretly", "even", "reportedly", "clearly", "obviously", "supposedly", "actually",
        "got", "gets", "get", "getting", "decided to", "had to", "has to", "have to", "needs to",
        "needed to", "wants to", "wanted to", "once again", "yet again", "as usual", "for once",
        "this morning", "this afternoon", "this evening", "this week", "earlier", "yesterday",
        "last night", "both of them", "all of them", "themselves", "himself", "herself", "myself",
        "asleep", "sound asleep", "fast asleep", "sleeping", "resting", "safely",
        "having", "having been", "stuck", "ought", "ought to", "therefore", "thus", "hence", "regrettably", "alas", "however", "sadly enough",
        "of course", "naturally", "entirely", "definitely", "really", "rather", "best", "better", "instead",
    ),
    away_re=(
        # unwell
        r"(?:off\s+|out\s+|feeling\s+|home\s+)?(?:sick|ill|unwell|poorly)(?:\s+(?:today|again|leave|at\s+home))?",
        r"under\s+the\s+weather", r"(?:[a-z]*n't|not)\s+feeling\s+(?:well|good|great|too\s+good|so\s+good)",
        r"(?:got|has|have|had|caught|with)\s+(?:the\s+)?(?:flu|covid|a\s+cold|a\s+fever|food\s+poisoning|a\s+migraine)",
        r"(?:called|calls|calling|phoned|phones|rang)\s+in\s+(?:sick|ill)",
        # elsewhere
        r"(?:at\s+|back\s+)?home(?![\w-]|\s+(?:page|screen|lab|server|assistant|row|key|button|office)|\s+(?:in|at)\s+the\s+(?:lab|office))",
        r"abroad", r"overseas", r"elsewhere", r"offline", r"afk", r"ooo", r"awol", r"absent", r"excluded",
        r"skipped(?=\s*(?:$|[,.;!?]|this|today|again))", r"uninvited", r"disinvited", r"not\s+invited", r"nowhere(?:\s+to\s+be\s+(?:seen|found))?",
        r"missing(?!\s+(?:a|an|the|his|her|its|some|their|my|our))", r"away\s+(?:on|for|until|till)\b",
        r"busy\s+elsewhere", r"away\s+from\s+(?:the\s+)?(?:lab|office|building|work)", r"gone(?!\s+(?:to|into|over|through|back|up|down|wild|quiet|crazy|mad|viral|red|green|off\s+the))",
        r"(?:in|to)\s+(?:bed|hospital|the\s+hospital|traffic|quarantine|isolation|jail|prison|court)",
        r"stuck\s+(?:in\s+traffic|at\s+(?:home|the\s+airport|work))", r"in\s+another\s+(?:city|country|office|building|time\s*zone)",
        r"in\s+" + _DET + r"(?:meeting|meetings|conference|seminar|lecture|class|interview|appointment|call\s+elsewhere)",
        r"at\s+" + _DET + r"(?:[\w'-]+\s+){0,2}?(?:" + _AWAY_PLACES + r")(?![\w])",
        r"at\s+" + _DET + r"[\w]+'s(?=\s*(?:$|[^\w\s]|(?:place|house|home|flat|apartment|for|until|till|today|tonight|this|again|now|so|and|but)\b))",
        r"on\s+" + _DET + r"(?:[\w-]+\s+)?(?:holiday|holidays|vacation|leave|trip|business|sabbatical|plane|flight|train|ferry|cruise|"
        r"tour|honeymoon|safari|strike|furlough|pto|secondment|road\s+trip|the\s+road|(?:the|his|her|their|my)\s+way\s+(?:home|out))(?![\w])",
        r"(?:travel+ing|travels|commuting|vacationing|holidaying|backpacking|sightseeing|touring)(?![\w])",
        # leaving and being sent away
        r"left(?=\s*$|\s+(?:for|early|already|hours|a\s+while|an?\s+hour|ago|yesterday|earlier|town|work|home|us|before|after|when|"
        r"again|too|at\s+\d|this\s+(?:morning|afternoon|evening)|the\s+(?:lab|building|office|room|country|city|team|company|party|house|premises)))",
        r"quit(?:s|ting)?(?=\s*$|\s+(?:for|early|already|today|at|hours|work|the\s+(?:lab|job|team|company)|(?:his|her|my)\s+job))",
        r"(?:knocked|knocks|knocking|clocked|clocks|clocking|signed|signs|signing|logged|logs|logging)\s+off",
        r"(?:clocked|clocks|clocking|checked|checks|checking)\s+out(?!\s+(?:the|a|an|this|that|his|her|my|some))",
        r"(?:bailed|bails|bailing)(?:\s+(?:on\s+us|early|today))?",
        r"(?:took|takes|taking|take|has|have|had|having|got)\s+(?:the|a|an|his|her|their|my|some)?\s*(?:[\w-]+\s+)?"
        r"(?:day|days|afternoon|morning|evening|week|weekend|night|time|month)\s+off",
        r"(?:(?:the|a|an|his|her|their|my)\s+)?(?:[\w-]+\s+)?(?:day|afternoon|morning|evening|week|weekend|night)\s+off",
        r"(?:on\s+)?(?:a\s+)?(?:sick\s+day|day\s+off)",
        r"(?:done|finished)\s+for\s+the\s+(?:day|night|week)", r"(?:off|out)\s+for\s+the\s+(?:day|night|week|weekend)",
        r"(?:off|out)\s+(?:today|tonight|this\s+(?:week|time|one)|duty|work|the\s+clock|shift)(?![\w])",
        r"(?:banned|suspended|barred|exiled|evicted|expelled|fired|grounded|laid\s+off|sent\s+(?:home|away|off|out)|"
        r"banished|deported|quarantined)",
        # "locked out of the lab", not "locked out of the admin panel"
        r"(?:kicked|locked|thrown|chucked|booted|shut)\s+out(?=\s*$|\s+(?:again|today|for|until|of\s+(?:the\s+)?"
        r"(?:lab|building|office|room|server\s+room|house|premises|meeting|team)))",
        r"(?:working\s+)?from\s+home", r"wfh", r"remote(?:ly)?(?=\s*(?:$|today|this))",
        # switched off: "got unplugged", "has been powered down" (not "unplugged the switch")
        r"(?:unplugged|switched\s+off|powered\s+(?:off|down)|shut\s+down|turned\s+off|deactivated|decommissioned|crashed|"
        r"disconnected|out\s+of\s+(?:battery|power|juice)|(?:sent\s+)?(?:off\s+)?(?:in\s+)?for\s+(?:repairs?|maintenance|servicing)|"
        r"being\s+(?:repaired|serviced)|called\s+away|retired|resigned|emigrated|moved\s+(?:away|abroad)|"
        r"(?:being|getting)\s+(?:updated|upgraded|repaired|serviced|patched|flashed|rebooted|reinstalled|recharged|fixed|"
        r"mended|debugged|reset|restored|cleaned)|"
        r"(?:getting|having)\s+(?:his|her|its|their)\s+(?:firmware|software|os|system|battery|batteries|memory|brain|code|chip|"
        r"sensors?|drivers?)\s+(?:updated|upgraded|replaced|swapped|flashed|patched|changed|charged|fixed|repaired))"
        r"(?!\s+(?:the|a|an|his|her|my|our|their|its|some|it|them|all|every)(?![\w]))",
        r"on\s+the\s+other\s+side\s+of\s+the\s+(?:world|planet|globe|country|ocean|atlantic|pacific)",
        r"mid-?(?:flight|air|trip|journey|commute)", r"in\s+(?:flight|the\s+air|transit)", r"en\s+route",
        r"(?:halfway\s+)?(?:a)?round\s+the\s+world", r"across\s+the\s+(?:world|ocean|pond|atlantic|pacific|country)",
        # not to be drawn: "ought not to appear", "is not to be drawn", "should be left out"
        r"(?:not|n't|never)\s+(?:to\s+)?(?:appear|feature|show\s+up|be\s+(?:drawn|shown|included|pictured|featured|depicted|visible|"
        r"seen|part\s+of\s+(?:it|this)|in\s+(?:it|this|frame|shot|the\s+(?:picture|scene|shot|frame|image|drawing))))",
        r"(?:be\s+|being\s+|been\s+|to\s+be\s+)?left\s+out(?:\s+(?:entirely|completely|altogether|of\s+(?:it|this|the\s+\w+)))?",
        r"excused(?:\s+from\s+\w+)?", r"nowhere(?:\s+near|\s+in\s+sight)?",
        r"(?:[a-z]*n't|not|never)\s+(?:be\s+)?(?:in|part\s+of|on|featured\s+in|included\s+in)\s+(?:it|this(?:\s+one)?|"
        r"(?:the\s+)?(?:picture|pic|pics|scene|shot|frame|image|drawing|photo|comic|panel)|the\s+(?:one|lab))(?![\w])",
        r"(?:sleep(?:s|ing)?|slept|lie|lies|lying)\s+in(?=\s*$|\s*[,.;!?]|\s+(?:today|this|again|late))", r"overslept|oversleeping|oversleeps",
        r"stuck\s+(?:abroad|overseas|elsewhere|in\s+(?-i:[A-Z])\w+|in\s+(?:a\s+)?meetings?)",
        r"(?:phoning|phones|phoned|calling|calls|dialling|dialing|dials|dialled|dialed|zooming|skyping|video-?calling)\s+in(?!to|\s+sick)",
        r"(?:joining|joins|joined)\s+(?:remotely|from\s+(?:home|afar|abroad|(?-i:[A-Z])\w+))",
        # "presenting at a summit", "having lunch at the pub", "sleeping at home"
        r"(?:[a-z']+\s+){1,2}?at\s+" + _DET + r"(?:[\w'-]+\s+){0,2}?(?:" + _AWAY_PLACES + r")(?![\w])",
        r"(?:[a-z']+\s+){1,2}?(?:at|from)\s+home(?![\w-])",
        # somewhere else in the building: "recharging in the closet", "in the other room"
        r"(?:[a-z']+\s+){0,2}?(?:in|from)\s+(?:the|a|his|her|its)\s+(?:(?!(?:server|rack|network|data|comms)\s)[\w-]+\s+)?(?:closet|cupboard|other\s+room|next\s+room|back\s+room|"
        r"store\s?room|storage\s+room|basement|attic|kitchen|hallway|corridor|garage|car\s+park|parking\s+lot|lobby|"
        r"break\s+room|canteen|cafeteria|loo|toilet|bathroom|shower)(?![\w])",
        r"not\s+allowed\s+(?:in|here|near)",
        # not here
        r"(?:[a-z]*n't|not|never|cannot)\s+(?:here|there|around|present|available|coming|joining|invited|allowed|on\s+site|on\s+shift|"
        r"on\s+duty|at\s+work|in\s+today|in\s+yet|in\s+this\s+(?:one|time|picture|scene|shot|drawing)|in\s+it|"
        r"in\s+the\s+(?:picture|scene|shot|frame|lab|office|building|room|image|drawing|photo|comic)|in(?=\s*(?:$|[^\w\s]))|"
        r"today|this\s+time|in\s+the\s+mood\s+to\s+be\s+drawn)(?![\w])",
        r"(?:[a-z]*n't|not|never|cannot)\s+(?:come|came|coming|show|showed|shown|showing|turn(?:ed)?\s+up|turning\s+up|make\s+it|made\s+it|"
        r"join|joined|appear|appeared|arrive|arrived|get\s+in|got\s+in|be\s+(?:here|there|around|in|coming|joining|back))(?![\w])",
        r"(?:can't|cannot|couldn't|won't|will\s+not)\s+(?:make\s+it|come|be\s+there|be\s+here|join)",
        r"no-show", r"a\s+no\s+show",
        r"(?:sits?|sitting|sat)\s+(?:this\s+one|it)\s+out", r"(?:sits?|sitting|sat)\s+out(?:\s+(?:this\s+one|this\s+time|today))?(?![\w])",
        r"benched", r"(?:not\s+)?(?:uninvolved|not\s+involved|not\s+pictured|not\s+featured|not\s+shown|not\s+drawn|not\s+included|"
        r"not\s+needed|not\s+required|not\s+present)(?![\w])",
        # not there yet: "hadn't walked in yet", "hasn't arrived", "isn't back"
        r"(?:hasn't|hadn't|haven't|has\s+not|had\s+not|have\s+not|not|never|isn't|wasn't|is\s+not|am\s+not|'m\s+not)\s+(?:yet\s+)?"
        r"(?:arrived|come\s+in|came\s+in|walked\s+in|got\s+in|gotten\s+in|shown\s+up|turned\s+up|woken\s+up|come\s+back|"
        r"came\s+back|returned|got\s+back|back|in\s+yet|up\s+yet)(?![\w])", r"stay(?:s|ed|ing)?\s+(?:out|home|away|behind|in\s+bed)",
        r"out\s+of\s+(?:the\s+)?(?:office|town|country|lab|building|picture|frame|shot|scene|image|drawing|it|this(?:\s+one)?|sight|commission)",
        r"(?:left|gone|went|headed|go|goes|going|heading|ran|run|flew|flown|moved|drove)\s+(?:back\s+)?(?:home|abroad|overseas|away)",
        r"✈️?|🛫|🏖️?|🏝️?|🤒|🤧|🤮|🏥|🛌|🏠|🏡",
    ),
    away_unless_here_re=(
        # "went out for groceries", "popped out to grab a sandwich", "gone fishing", "ran off"
        r"(?:" + _MOTION + r")" + _PARTICLE + r"\s+(?:to|into|towards?|for|on|outside|downtown|upstairs|downstairs|across)(?![\w])",
        r"(?:" + _MOTION + r")" + _PARTICLE + r"\s+[a-z]+ing(?![\w])",
        r"(?:" + _MOTION + r")\s+(?:out|off|away)(?![\w'-])",
        r"(?:gone|left|went|vanished|disappeared|escaped)(?=\s*$)",
        # "out", "off", "away" said of someone: "With James out at the bank", "Milo's off to the post office"
        r"out(?!\s+(?:of|cold|loud|like|there|here)(?![\w]))(?![\w'-])", r"off(?![\w'-])", r"away(?![\w'-])",
        r"on\s+" + _DET + r"(?:[\w-]+\s+)?(?:break|walk|run|errand|errands|coffee\s+run|lunch\s+break|smoke\s+break|cigarette\s+break|school\s+run)(?![\w])",
        r"visiting(?![\w])", r"(?:out\s+)?(?:running\s+errands|shopping|fishing)(?![\w])",
        # "away from the keyboard" (AFK), but "away from the keyboard, at the whiteboard"
        r"away\s+from\s+(?:the\s+|his\s+|her\s+)?(?:keyboard|computer)",
        # "attending a wedding", but "attending the standup at the desk"
        r"(?:attending|attends|attended|attend)\s+" + _DET + r"(?:[\w'-]+\s+){0,2}?(?:" + _AWAY_PLACES + r")(?![\w])",
        # "stuck at the office": the lab is not "the office" unless the clause says so
        r"(?:stuck\s+|still\s+|working\s+|held\s+up\s+)?(?:at|in)\s+the\s+office(?!\s+(?:chair|desk|plant|plants|kitchen|couch|printer))",
    ),
    here_verbs=(
        "check", "fix", "reboot", "restart", "repair", "inspect", "sit", "sleep", "nap", "lie", "work",
        "water", "debug", "code", "type", "print", "solder", "ride", "cycle", "pedal", "stretch",
        "exercise", "train", "clean", "tidy", "untangle", "plug", "unplug", "swap", "replace", "reset",
        "install", "mount", "help", "look", "watch", "write", "draw", "sketch", "explain", "present",
        "rest", "lounge", "cable", "wire", "rack", "test", "monitor", "see", "join", "hug", "sit down",
    ),
    clause_words=(
        "so", "but", "while", "whilst", "because", "since", "though", "although", "whereas", "then",
        "and then", "when", "until", "till", "unless", "cause", "cos", "and", "meanwhile", "yet",
        "so that", "which means",
    ),
    asides=(
        r"(?:rather\s+|very\s+|most\s+|quite\s+)?[a-z]+ly(?:\s+enough)?", r"however", r"therefore", r"though", r"alas",
        r"of\s+course", r"naturally", r"as\s+(?:agreed|usual|always|discussed|expected|planned|requested|mentioned|arranged|before|ever)",
        r"i\s+(?:gather|think|believe|fear|suppose|hear|guess|assume|understand|reckon|'m\s+afraid|am\s+afraid)",
        r"i'm\s+afraid", r"(?:as\s+)?(?:you|we)\s+(?:will\s+|may\s+|might\s+|can\s+|probably\s+)?(?:know|see|appreciate|imagine|recall|remember)",
        r"it\s+seems", r"in\s+turn", r"for\s+once", r"once\s+again", r"for\s+now", r"by\s+the\s+way", r"btw",
        r"poor\s+(?:thing|guy|soul|fellow)", r"bless\s+(?:him|her)", r"of\s+late", r"in\s+(?:any\s+case|fact|the\s+end)",
        r"this\s+time", r"today", r"again", r"too", r"then", r"sadly", r"once\s+more",
    ),
    carry_on=(
        "is", "was", "are", "were", "will", "'ll", "would", "should", "ought", "must", "shall", "may", "might",
        "can", "could", "has", "have", "had", "does", "did", "won't", "can't", "cannot", "isn't", "wasn't",
        "doesn't", "didn't", "hasn't", "shouldn't", "mustn't", "went", "left", "got", "then", "also",
        "therefore", "later", "soon", "needs", "needn't",
    ),
    lab_words=("lab", "laboratory"),
    empty_scene=(
        "nobody", "no one", "no-one", "noone", "not a soul", "not a single soul", "no people",
        "no person", "no characters", "no humans", "no one around", "empty", "unoccupied",
        "deserted", "vacant", "unattended", "abandoned", "only the furniture", "just the furniture",
        "without anyone", "without anybody", "nobody there", "no one there", "no raccoons or humans",
        "👻",
    ),
    everyone=(
        "everyone", "everybody", "both of them", "the two of them", "the both of them", "they both",
        "they", "both", "all of them", "the whole team", "the team", "all of us", "we all",
    ),
    request_re=(
        r"\b(?:can|could|would|will|won't|wont)\s+(?:you|u)\b",
        r"\b(?:if|when)\s+you\s+(?:can|could|have\s+time|get\s+a\s+chance)\b",
        r"\b(?:do|did|are|have)\s+you\s+(?:mind|think|have)\b", r"\byou\s+know\b",
        r"\bas\s+(?:you|we)\s+(?:will\s+|may\s+|might\s+|can\s+|probably\s+|well\s+)?(?:know|see|appreciate|imagine|recall|remember|"
        r"understand|can\s+see|asked|requested|suggested)\b", r"\byou\s+see\b",
        r"\bif\s+you\s+(?:would|will|please|don't\s+mind|like|wouldn't\s+mind|get\s+the\s+chance)\b",
        r"\b(?:might|may|could|can|shall)\s+(?:we|i)\s+(?:please\s+|possibly\s+)?(?:have|get|see|request|ask\s+for)\b",
        r"\bwe\s*(?:'d|would|want|wanna|need|'re\s+asking|are\s+asking|hope|love|like)\b",
        r"\bthank(?:s| you| u)\b", r"\b(?:thx|ty|tysm|pls|plz|please)\b",
        r"\b(?:can|could|may)\s+i\b",
        r"\bi\s*(?:'d|would|should)\s+(?:(?:very\s+much|really|so|quite|ever\s+so|most|also)\s+)?(?:like|love|appreciate|want|enjoy|prefer)\b",
        r"\b(?:would|could|will)\s+you\s+be\s+so\s+kind\s+as\s+to\b", r"\bkindly\b",
        r"\bi\s*(?:'d|would|want|wanna|need|wish|'m\s+asking|am\s+asking|think|guess|hope|wonder|"
        r"love|like|feel|bet|believe|mean|know|saw|heard|was\s+thinking|really)\b",
        r"\b(?:draw|make|show|give|send|get|paint|render|create|generate|do|let)\s+me\b"
        r"(?=\s+(?:(?:a|an|the|some|one|what|how|see|you|us|something|another)\b|\W))",
        r"\b(?:gimme|lemme|gib)\b",
    ),
    alias_words={"racoon": "raccoon", "racoons": "raccoon", "raccoons": "raccoon", "🦝": "raccoon",
                 ":raccoon:": "raccoon", "trashpanda": "trash panda"},
    garments=(
        "shirt", "t-shirt", "tshirt", "t shirt", "tee", "tee-shirt", "teeshirt", "hoodie", "sweatshirt",
        "sweater", "jumper", "top", "tank top", "jersey", "chest", "front", "chest panel", "panel",
        "slogan", "shirt text",
    ),
    shirt_links=(
        "that says", "which says", "that reads", "which reads", "saying", "reading", "says", "reads",
        "read", "with", "with the words", "with the text", "with the slogan", "printed with",
        "that has", "that said", "should say", "should read", "will say", "must say", "has", "is",
        "text", "the words", "that goes", "with text", "printed", "written", "that says something like", "say", "read",
        "emblazoned with", "stamped with", "embroidered with", "stencilled with", "bearing", "bearing the words",
        "->", "=>", "→", "=", "where is written", "where it's written", "where it is written", "with written",
        "with the phrase", "saying the words",
    ),
    on_garment=("printed on", "written on", "on", "across", "emblazoned on", "in big letters on",
                "on the front of", "across the front of", "printed across"),
    text_carriers=(
        "sign", "board", "whiteboard", "screen", "monitor", "banner", "mug", "cup", "poster", "note",
        "sticky note", "post-it", "sticker", "caption", "bubble", "speech bubble", "laptop", "door",
        "label", "notebook", "tv", "display", "slide", "terminal", "phone", "message", "cake",
        "flag", "placard", "t-shirt cannon", "tattoo", "book", "paper", "log", "commit message",
    ),
    places=("at", "on", "by", "in front of", "next to", "near", "beside", "behind", "under", "on top of", "up on", "to", "towards", "over to",
            "from", "onto", "into", "in", "inside", "against", "over", "up at", "down at", "@"),
    not_names=(
        "mild", "mile", "milk", "mill", "mils", "mil", "miso", "mio", "mijo", "mito", "milf", "mild",
        "mile", "mila", "mino", "milos", "jams", "jamb", "jambs", "jane", "janes", "jades", "jamas",
        "jamás", "jame's", "handle", "handled", "handles", "handlebar", "handlebars", "handlers",
        "mascara", "bacon", "radon", "beach", "coach", "cough", "widow", "plans", "serve", "served",
        "serves", "disk", "deck", "dusk", "decks", "bench", "windows", "mouse", "mount",
    ),
    namesake_before=(
        "king", "saint", "st", "st.", "lebron", "jesse", "etta", "henry", "rick", "harry", "lebron's",
        "venus de", "venus di", "the venus de", "venere di", "vênus de", "vénus de", "venus von", "agent", "president", "uncle", "brother", "sir",
    ),
    namesake_after=(
        "bond", "webb", "brown", "cameron", "franco", "corden", "dean", "joyce", "taylor", "may",
        "harden", "hetfield", "gandolfini", "madison", "monroe", "earl jones", "spader", "mcavoy",
        "bible", "version", "ventimiglia", "murphy", "murphy's", "yiannopoulos", "thatch", "of croton",
        "beam", "fallon", "kimmel", "carter", "hendrix", "page", "choo", "neutron", "buffett", "hoffa",
        "webb's", "bond's", "telescope", "park", "street", "river", "bay", "island", "gang",
    ),
    function_words=(
        "a", "an", "the", "and", "or", "but", "at", "on", "in", "of", "to", "for", "with", "without",
        "by", "near", "next", "from", "is", "are", "was", "has", "his", "her", "their", "my", "your",
        "our", "its", "it", "this", "that", "these", "those", "then", "while", "when", "as", "so",
        "if", "not", "no", "too", "also", "again", "alone", "asleep", "awake", "together", "here",
        "there", "now", "today", "tonight", "please", "pls", "lol", "just", "only", "both", "all",
        "up", "down", "out", "off", "over", "under", "into", "onto", "behind", "beside", "after",
        "before", "during", "because", "who", "what", "draw", "show", "make", "paint", "hey", "hi",
        "yo", "ok", "okay", "maybe", "and", "n", "plus", "vs", "versus", "than", "like", "looking",
        "happy", "sad", "tired", "busy", "again", "still", "once", "twice", "yesterday", "tomorrow",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "wait", "look",
        "see", "oh", "wow", "yes", "yeah", "nope", "cool", "nice", "pic", "picture", "drawing",
        "i", "me", "we", "us", "you", "he", "she", "they", "him", "them", "mr", "dr", "mrs", "ms",
    ),
    naming=("known as", "going by", "by the name of", "signed", "addressed to"),
    me_words=(r"myself", r"mine", r"my", r"me", r"i"),
    us_words=(r"both\s+of\s+us", r"the\s+two\s+of\s+us", r"ourselves", r"us", r"we"),
    my_words=(r"my", r"mine"),
    longing=(
        r"miss(?:es|ed|ing)?", r"wish(?:es|ed|ing)?(?:\s+for)?", r"if\s+only",
        r"(?:nobody|no\s+one|no-one)\s+(?:has|had|have)\s+seen", r"(?:haven't|hasn't|hadn't|have\s+not|has\s+not)\s+seen",
        r"(?:lost|losing)\s+track\s+of", r"(?:waiting|waits|waited|wait)\s+(?:for|on)",
        r"(?:texting|texts|texted|emailing|emails|emailed|messaging|messages|messaged|phoning|phones|phoned|ringing|rings|"
        r"rang|pinging|pings|pinged|facetiming|facetimes|skyping|calling|calls)",
        r"(?:on\s+(?:the\s+)?(?:phone|a\s+(?:video\s+)?call|zoom|facetime)|video-?chatting|talking\s+on\s+the\s+phone)\s+(?:to|with)",
        r"(?:dreaming|dreams|dreamt|dreamed|thinking|thinks|thought)\s+(?:of|about)", r"(?:hoping|longing|pining)\s+for",
        r"(?:worried|worrying)\s+about", r"looking\s+forward\s+to\s+seeing", r"hoping(?:\s+that)?",
    ),
    alone=(r"(?:all\s+)?alone", r"all\s+by\s+(?:him|her|my|your|them)sel(?:f|ves)", r"by\s+(?:him|her|my|your|it|them)sel(?:f|ves)",
           r"on\s+(?:his|her|my|your|its|their)\s+own", r"solo"),
    determiners=("the", "our", "this", "that", "your", "their", "his", "her", "its"),
    people_nouns=("guy", "person", "one", "fellow", "chap", "bloke", "dude", "gentleman", "gent", "figure", "character",
                  "lad", "creature", "critter", "animal", "beast", "assistant", "helper", "sysadmin", "colleague",
                  "coworker", "co-worker", "buddy", "pal", "individual"),
)
