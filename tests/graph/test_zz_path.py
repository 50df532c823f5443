import sys, tests
def test_p():
    print("XX", tests.__path__, [p for p in sys.path if 'work' in p])
    assert 0
