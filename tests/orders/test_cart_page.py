"""The cart says what each line will cost and why, totals it, and checkout refusals land on the form."""

from accounts.models import Segment
from tests.support.orders_catalog import MAP, MICRODATA, PUBLICATION_FREE


def test_the_cart_shows_quantities_total_and_each_lines_kind_with_the_reason(app, shop, client, login):
    email = shop.consumer(Segment.ACADEMIC, "Universitas Mataram")
    login(email)
    for data in ({"item_id": MAP, "quantity": 2, "region": "5203"}, {"item_id": PUBLICATION_FREE, "quantity": 1}):
        assert client.post("/cart/add", data=data).status_code in (302, 303)
    page = client.get("/cart").get_data(as_text=True)
    assert 'id="cart-total">Rp\xa0500.000' in page or 'id="cart-total">Rp 500.000' in page
    assert "Nol rupiah untuk penggunaan nonkomersial" in page and "Item ini gratis." in page


def test_a_second_zero_rupiah_order_of_a_product_says_why_it_is_paid(app, shop, client, login):
    from tests.orders.conftest import upload

    email = shop.consumer(Segment.GOVERNMENT, "Bappeda NTB")
    shop.order(email, (MAP, 1, {"region": "5203"}), non_commercial=True, purpose="Perencanaan",
               letter=upload("surat.pdf"))
    login(email)
    client.post("/cart/add", data={"item_id": MAP, "quantity": 1, "region": "5203"})
    assert "pesanan kedua membayar sesuai tarif" in client.get("/cart").get_data(as_text=True)


def test_a_checkout_refusal_is_shown_on_the_form_and_keeps_the_text(shop, client, login):
    login(shop.consumer())
    client.post("/cart/add", data={"item_id": MICRODATA, "quantity": 1, "variables": ["r101"]})
    response = client.post("/checkout", data={"purpose": "Analisis kemiskinan Lombok"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Analisis kemiskinan Lombok" in page and 'id="checkout-form"' in page
    assert page.count("abstraksi penggunaan data") >= 2  # at the top and under the abstract field


def test_microdata_without_variables_answers_400_with_the_way_back(shop, client, login):
    login(shop.consumer())
    response = client.post("/cart/add", data={"item_id": MICRODATA, "quantity": 1})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="back-to-item"' in page and f"/catalog/{MICRODATA}#order-form" in page
