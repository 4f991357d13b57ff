"""Ordinary English words: a title made only of these ("Another", "Monster") needs a cue in free text."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Frequent English words plus the everyday words that real anime are named after. A title made only of
# these is flagged in a review only when written like a title (capitalised mid-sentence, quoted, listed).
COMMON_WORDS = _words(
    """
    a about above across act action actually add after again against age ago agree ahead air all almost
    alone along already also although always am among an and anger angel animal another answer any anyone
    anything apart appear april are area arm army around art as ask at attack august autumn away baby back
    bad bag ball band bank bar base battle be bear beat beats beautiful beauty became because become bed
    been before began begin behind being believe bell below berserk best better between beyond big bird
    birth bit black blade bleach blind blood blue board boat body bond book born both bottom box boy brave
    break bright bring broken brother brought build burn business busy but buy by call called came camp can
    car card care carry case cast cat catch cause cell center certain chain chance change character charge
    check child children choice choose church circle city class clean clear close cloud club cold color
    colour come coming common complete could count country couple course cover crazy create cross crown cry
    cup cut dance danger dark data daughter day days dead deal dear death december decide deep demon did die
    different difficult dinner direction do does dog done door double down dragon draw dream dress drink
    drive drop during each early earth east easy eat edge eight either else empty end enemy energy enough
    enter episode episodes erased even evening event ever every everyone everything example except eye eyes
    face fact fair fall family famous far farm fast father fear february feel feeling feet fell felt few
    field fight figure fill final finally find fine fire first fish five flower fly follow food foot for
    force forest forever forget form found four free friday friend friends from front full fun future game
    garden gate gave get ghost girl girls give given glass go god going gold golden gone good got great
    green ground group grow guess gun guy guys had hair half hand happen happy hard has have he head hear
    heard heart heaven heavy hell hello help her here hero high hill him his history hit hold hole home
    hope horse hot hour house how however human hundred hunter i ice idea if important in inside instead
    into iron is island it its itself january job join journey july june just keep kept key kid kids kill
    kind king kingdom knew knight know known lady land language large last late later laugh law lay lead
    learn least leave left leg legend less let letter level lie life light like line lion list listen
    little live long look lost lot love low luck lucky machine made magic main major make man many march
    mark matter may maybe me mean memory men might mind minute miss moment monday money monster month moon
    more morning most mother mountain move movie much music must my name nation near need never new news
    next nice night nine no none north not note nothing november now number ocean october of off often oh
    old on once one only open or orange order other our out outside over own page paper parade paradise
    parent part party pass past pay peace people perfect perhaps person pick picture piece place plan plant
    play please point police poor possible power present pretty prince princess problem promise pull push
    put queen question quick quiet quite rain ran reach read ready real really reason record red remember
    rest return rich ride right ring rise river road rock room rose round rule run sad said same saturday
    save saw say school sea season second secret see seem seen sell send sense september serve set seven
    several shadow shall she ship short should show side sign silver simple since sing sister sit six size
    sky sleep slow small smile snow so soldier some someone something sometimes son song soon sorry sort
    soul sound south space speak special spirit spring stand star start state stay step still stone stop
    story strange street strong student study such summer sun sunday sure sweet sword table take talk tale
    teacher team tell ten than thank that the their them then there these they thing things think third
    this those though thought three through thursday time to today together told tomorrow too took top
    toward tower town train tree trip true truth try tuesday turn twenty two under until up upon us use
    very voice wait walk wall want war warm was watch water way we wednesday week well went were west what
    when where which while white who whole why wide wild will win wind window winter wish with within
    without woman women wonder word words work world would write wrong year years yellow yes yet you young
    your yourself zero
    """
)
