"""`gongshi edit`: a bad --dev-addr is a Chinese usage message before anything is started."""

import pytest
from helpers import cli


@pytest.mark.parametrize("addr", ["localhost", "127.0.0.1:80a", "127.0.0.1:70000"])
def test_a_dev_addr_without_a_port_is_a_usage_message_before_the_backend_starts(tmp_path, addr):
    rc, out, err = cli(tmp_path, "edit", "--dev-addr", addr)
    assert rc == 2, err
    assert f"--dev-addr “{addr}”不对" in err and "地址:端口" in err and "127.0.0.1:8000" in err
    assert "网页编辑器的本地后端" not in err  # the message comes before Decap's backend is started
