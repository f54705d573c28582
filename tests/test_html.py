from perfkit.engine.tables import Raw, bar, table


def test_every_cell_header_caption_and_note_is_escaped():
    page = table(["<name>"], [["<script>alert(1)</script>"]], caption="a & b", notes=["x < y"])
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;name&gt;" in page and "a &amp; b" in page and "x &lt; y" in page


def test_raw_cells_pass_through_unescaped():
    page = table(["share"], [[Raw("<b>hot</b>")]])
    assert "<b>hot</b>" in page


def test_one_row_per_input_row_and_one_cell_per_value():
    page = table(["a", "b"], [[1, 2], [3, 4], [5, 6]])
    assert page.count("<tr>") == 4  # the header and three rows
    assert page.count("<td") == 6 and page.count("<th") == 2


def test_bar_width_follows_the_share_and_is_clamped_to_0_1():
    assert 'width:60px;height' in bar(0.5, width_px=120)
    assert 'width:120px;height' in bar(3.0, width_px=120)
    assert 'width:0px;height' in bar(-1.0, width_px=120)
