"""A Word body proven sound from its pieces is sound (issue 9).

``reportgen.render.wellformed`` lets the Word render skip parsing the rendered body
when the template's constant pieces and escaped data prove it well-formed, with a
paragraph in every cell and no table for docxtpl to fix.  These tests hold every
"proven" answer to what lxml's strict parse and the full checks of
``reportgen.render.docx`` say of the same body — for generated templates full of
what Word writes and what it does not, and generated data full of markup — and they
check that the proof really is used for the built-in template (a proof that never
held would prove nothing).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from jinja2 import TemplateError
from lxml import etree

from conftest import CASES, sample
from reportgen import read_workbook
from reportgen.core import compat
from reportgen.core.errors import TemplateProblem
from reportgen.render import docx as word
from reportgen.render.context import build_context
from reportgen.render.environment import docx_environment
from reportgen.render.template_files import find_template
from reportgen.render.wellformed import W_URI, BodyProof

THOROUGH = bool(os.environ.get("REPORTGEN_THOROUGH") or os.environ.get("CI"))
SETTINGS = dict(max_examples=300 if THOROUGH else 120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
WP_URI = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
ROOTS = [
    f'<w:body xmlns:w="{W_URI}" xmlns:v="urn:v" xmlns:wp="{WP_URI}">',
    f'<w:body xmlns:w="{W_URI}">',  # v: and wp: undeclared
    f'<w:body xmlns:w="{W_URI}" xmlns:x="{W_URI}">',  # x:tc would be a cell too
    '<w:body xmlns:w="urn:not-word">',
    f'\n<w:body xmlns:w="{W_URI}" xmlns:v="urn:v">',
]


def full_check(xml: str) -> tuple[bool, bool]:
    """(sound, needs fixing): what the Word render's full path finds in a body."""
    try:
        tree = etree.fromstring(xml.encode("utf-8"), word._STRICT)
    except etree.XMLSyntaxError:
        return False, False
    try:
        word.check_body(tree, None)
    except TemplateProblem:
        return False, False
    return True, word._tables_need_fixing(tree) or bool(word._DOC_PR(tree))


def render(source: str, data: dict) -> tuple[list[str], str] | None:
    """(pieces, finished body) as the compiled Word render makes them, or None when the
    render does not reach the proof (a template error, docxtpl's listing fix, data
    holding a stand-in)."""
    shielded = word.shield_marks(data)
    if shielded is None:  # the data holds a stand-in: its marks are counted instead, never proven
        return None
    try:
        pieces = docx_environment().from_string(source).render_pieces(shielded)
    except (TemplateError, TemplateProblem):
        return None
    xml, listed = compat.finish_rendered_part("".join(pieces), lambda text: text)
    return None if listed else (pieces, xml)


# --------------------------------------------------------------------------- generated templates
ATTRIBUTES = ["", ' w:val="1"', " w:val='a&amp;b'", ' a="1" a="2"', ' w:a="1" v:a="2"', ' xmlns:z="urn:z"',
              ' w:val="{{ x }}"', ' w:val="&bogus;"', ' w:val="&#1;"']
NAMES = ["w:p", "w:p", "w:tc", "w:tc", "w:tr", "w:tbl", "w:r", "w:t", "w:tblGrid", "w:tcPr", "v:shape", "x:tc", "p"]
LEAVES = [
    "甲", " ", "a&amp;b", "&#x7532;", "{", "%", "&#123;", "&bogus;", "]]>", "]]", "&#1;", "x\ty",
    "{{ x }}", "{{ x }}{{ x }}", "{{ y|safe }}", '{{ "<w:p/>"|safe }}', "{{ n }}",
    '<w:gridCol w:w="10"/>', '<w:gridSpan w:val="2"/>', "<w:p/>", "<w:tc/>", "<w:tbl/>", '<wp:docPr id="1"/>',
    "<w:p></w:p>", "<!-- c -->", "<?pi x?>", "<![CDATA[x]]>", "</w:p>", "<w:p>", "<w:p", ">", "<w:t a=\"<\">",
]


def _element(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.builds(lambda name, attributes, inner: f"<{name}{attributes}>{inner}</{name}>",
                     st.sampled_from(NAMES), st.sampled_from(ATTRIBUTES), children)


def _block(children: st.SearchStrategy) -> st.SearchStrategy:
    loop = st.builds(lambda inner: f"{{% for i in items %}}{inner}{{% endfor %}}", children)
    branch = st.builds(lambda a, b: f"{{% if flag %}}{a}{{% else %}}{b}{{% endif %}}", children, children)
    return st.one_of(loop, branch)


CONTENT = st.recursive(
    st.sampled_from(LEAVES),
    lambda children: st.lists(st.one_of(_element(children), _block(children), children),
                              max_size=4).map("".join),
    max_leaves=24,
)
# Realistic bodies more often: well-formed tables whose rows repeat.
CELL = st.builds(lambda inner, span: f'<w:tc><w:tcPr>{span}</w:tcPr><w:p><w:r><w:t>{inner}</w:t></w:r></w:p></w:tc>',
                 st.sampled_from(["甲", "{{ x }}", "{{ n }}", "", "{{ y|safe }}"]),
                 st.sampled_from(["", '<w:gridSpan w:val="2"/>']))
ROW = st.lists(CELL, min_size=1, max_size=3).map(lambda cells: "<w:tr>" + "".join(cells) + "</w:tr>")
TABLE = st.builds(
    lambda columns, rows, looped: ("<w:tbl><w:tblGrid>" + '<w:gridCol w:w="1"/>' * columns + "</w:tblGrid>"
                                   + (f"{{% for i in items %}}{rows[0]}{{% endfor %}}" if looped else "")
                                   + "".join(rows) + "</w:tbl>"),
    st.integers(0, 3), st.lists(ROW, min_size=1, max_size=3), st.booleans())
BODY_CONTENT = st.lists(st.one_of(CONTENT, TABLE, TABLE), max_size=4).map("".join)
TEXT = st.text(alphabet="<>&\"'{}%#]\t\n\x01\ufdd0甲 a;", max_size=6)
DATA = st.fixed_dictionaries({"x": TEXT, "y": TEXT, "n": st.integers(0, 99),
                              "items": st.lists(st.integers(), max_size=3), "flag": st.booleans()})


@settings(**SETTINGS)
@given(root=st.sampled_from(ROOTS), content=BODY_CONTENT, end=st.sampled_from(["</w:body>", "</w:body>", ""]),
       datas=st.lists(DATA, min_size=1, max_size=4))
def test_a_proven_body_is_one_the_full_check_passes(root, content, end, datas):
    source = root + content + end
    proof = BodyProof()
    renders = [r for r in (render(source, data) for data in datas) if r is not None]
    assume(renders)
    for pieces, xml in renders:
        sound, needs_fixing = full_check(xml)
        if proof.tables(pieces) is not None:
            assert sound, xml
        if sound and not needs_fixing:
            proof.learn(pieces)
    for pieces, xml in renders:  # once learnt, a table passes only as it passed the full check
        holds = proof.holds(pieces)
        event("proven" if holds else "sound, not proven" if full_check(xml)[0] else "unsound")
        if holds:
            assert full_check(xml) == (True, False), xml


# --------------------------------------------------------------------------- it is used
BODY = (f'<w:body xmlns:w="{W_URI}"><w:p><w:r><w:t>{{{{ x }}}}</w:t></w:r></w:p>'
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
        "{% for i in items %}<w:tr><w:tc><w:p><w:r><w:t>{{ i }}</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p/></w:tc></w:tr>{% endfor %}</w:tbl>"
        "{% for i in items %}<w:p><w:r><w:t>{{ x }}</w:t></w:r></w:p>{% endfor %}</w:body>")


def test_a_table_is_proven_once_a_table_of_the_same_pieces_passed():
    proof = BodyProof()
    one, _ = render(BODY, {"x": "<a & b>", "items": [1]})
    three, xml = render(BODY, {"x": "甲", "items": [1, 2, 3]})
    assert proof.tables(one) is not None and not proof.holds(one)  # sound, but its table is new
    proof.learn(one)
    assert proof.holds(one)
    assert not proof.holds(three)  # three rows: another table
    assert full_check(xml) == (True, False)
    proof.learn(three)
    assert proof.holds(three) and proof.holds(render(BODY, {"x": "{{ x }}", "items": [4, 5, 6]})[0])


@pytest.mark.parametrize("source, data", [
    (BODY, {"x": "a\x01b", "items": []}),  # a character XML forbids
    (BODY.replace("<w:t>{{ x }}", "<w:t>]{{ x }}>"), {"x": "]", "items": []}),  # "]]>" across the pieces
    (f'<w:body xmlns:w="{W_URI}">{{% for i in items %}}<w:p><w:r>{{% endfor %}}<w:t>x</w:t>'  # deeper than
     "{% for i in items %}</w:r></w:p>{% endfor %}</w:body>", {"items": range(130)}),  # libxml2 parses
    (f'<w:body xmlns:w="{W_URI}">{{{{ x }}}}' + "<w:p>" * 260 + "</w:p>" * 260 + "</w:body>",  # also within
     {"x": "甲"}),  # one piece of the template
], ids=["forbidden character", "]]> across pieces", "deep by a loop", "deep in one piece"])
def test_bodies_lxml_refuses_are_never_proven(source, data):
    proof = BodyProof()
    pieces, xml = render(source, data)
    assert full_check(xml)[0] is False
    assert proof.tables(pieces) is None


@pytest.mark.parametrize("source", [
    BODY.replace("<w:tc><w:p/></w:tc>", "<w:tc></w:tc>"),  # a cell without a paragraph
    BODY.replace("<w:tc><w:p/></w:tc>", "<w:tc>{% if items|length > 2 %}<w:p/>{% endif %}</w:tc>"),
    BODY.replace("{{ i }}", "{{ i }}</w:t>"),  # a tag closed twice
    BODY.replace("<w:p><w:r><w:t>{{ x }}", "<w:p><w:r><v:t>{{ x }}"),  # an undeclared prefix
    BODY.replace("</w:body>", "<!-- note --></w:body>"),  # a comment: left to the full check
    BODY.replace("{{ x }}", "{{ x|safe }}"),  # markup from the data
], ids=["cell without paragraph", "paragraph by a condition", "closed twice", "undeclared prefix", "comment",
        "safe markup"])
def test_bodies_the_proof_does_not_cover_go_to_the_full_check(source):
    proof = BodyProof()
    pieces, xml = render(source, {"x": "<w:p>", "items": [1]})
    assert proof.tables(pieces) is None


def test_the_built_in_template_is_proven_after_its_first_report(tmp_path, monkeypatch):
    """Each sample's report: parsed once (the tables learnt), then proven — and the
    file is byte for byte the one the full path writes."""
    monkeypatch.delenv("REPORTGEN_FULL_PARSE", raising=False)  # CI also runs this file with the full parse forced
    template = word.compiled_template(find_template("report.docx", None))
    template.proof = BodyProof()
    parsed = []
    full_body_tree = word.CompiledDocx._body_tree
    monkeypatch.setattr(word.CompiledDocx, "_body_tree",
                        lambda self, xml: parsed.append(1) or full_body_tree(self, xml))
    contexts = [build_context(read_workbook(sample(name)).data) for name in CASES]
    for i, context in enumerate(contexts):
        template.render(context, tmp_path / f"proven-{i}.docx")
    assert len(parsed) == 1
    template.proof = BodyProof()
    monkeypatch.setattr(BodyProof, "holds", lambda self, pieces: False)
    for i, context in enumerate(contexts):
        template.render(context, tmp_path / f"parsed-{i}.docx")
        assert (tmp_path / f"proven-{i}.docx").read_bytes() == (tmp_path / f"parsed-{i}.docx").read_bytes()
    assert len(parsed) == 1 + len(CASES)
