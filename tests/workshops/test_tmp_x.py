import pytest
from tests.factories import InterviewFactory
from workshops.search import search_interviews
@pytest.mark.django_db
def test_x():
    InterviewFactory(notes='"><img src=x onerror=alert(1)> <svg/onload=alert(2)> kiertotalous <script>alert(3)</script>')
    print(repr(search_interviews("kiertotaloudessa").get().headline))
