import time
from .test_report import *  # noqa

def test_profile(demo):
    plan, survey = demo
    from reports.services import report as r
    from django.utils import translation
    from weasyprint import HTML
    c = time.process_time
    t = c(); data = r.report_data(plan=plan, survey=survey, language="fi"); print("\ndata", c() - t)
    t = c()
    with translation.override("fi"):
        ctx = r._context(data, for_pdf=True)
    print("charts", c() - t)
    t = c(); html = r._render(data, for_pdf=True); print("render(incl charts)", c() - t)
    t = c(); doc = HTML(string=html, base_url="file:///work/main/static/").render(pdf_variant="pdf/ua-1"); print("layout", c() - t, len(doc.pages))
    t = c(); pdf = doc.write_pdf(pdf_variant="pdf/ua-1"); print("write", c() - t)
    t = c(); doc2 = HTML(string=html, base_url="file:///work/main/static/").render(); pdf = doc2.write_pdf(); print("plain layout+write", c() - t)
