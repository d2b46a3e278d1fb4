#!/usr/bin/env python3
"""An existing-style EM API client, written the way real scripts are (reference section 7).

It logs a user in and out through /emservice/EMServiceServlet and reads the queries, using the two request shapes
real clients send: a form-encoded POST with the XML in the `xml` field (what `requests.post(url, data={'xml': x})`
sends, pretty-printed XML included), and an HTTP GET with the raw, unencoded XML after `?xml=`. Only the standard
library is used, so it runs wherever python3 does. Exit code 0 when every step answered as expected.

usage: em_api_client.py BASE_URL APP_ID APP_PASSWORD DEVICE USER
"""
import sys
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET


def post_form(url, xml):
    # Exactly what requests' data={'xml': ...} produces: application/x-www-form-urlencoded, '+' for spaces.
    body = urllib.parse.urlencode({"xml": xml}).encode("ascii")
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, resp.read().decode("utf-8")


def get_raw(url, xml):
    # Some portals append the XML to the URL without encoding it; only characters http.client refuses are escaped.
    raw = url + "?xml=" + xml.replace(" ", "%20").replace("\n", "")
    with urllib.request.urlopen(urllib.request.Request(raw, method="GET"), timeout=30) as resp:
        return resp.status, resp.read().decode("utf-8")


def parse(text):
    if not text.startswith('<?xml version="1.0"?>'):
        raise AssertionError("response lacks the XML declaration: " + text[:80])
    return ET.fromstring(text.encode("utf-8"))


def expect(condition, message):
    if not condition:
        print("FAIL: " + message)
        sys.exit(1)
    print("ok: " + message)


def main():
    base, app, password, device, user = sys.argv[1:6]
    url = base.rstrip("/") + "/emservice/EMServiceServlet"
    app_info = "<appInfo><appID>%s</appID><appCertificate>%s</appCertificate></appInfo>" % (app, password)

    login = """<request>
  %s
  <login>
    <deviceName>%s</deviceName>
    <userID>%s</userID>
  </login>
</request>""" % (app_info, device, user)
    status, text = post_form(url, login)
    root = parse(text)
    expect(status == 200 and root.find("success") is not None, "login (form POST, pretty-printed XML) succeeds")

    status, text = get_raw(url, "<query>%s<deviceUserQuery><deviceName>%s</deviceName></deviceUserQuery></query>" % (app_info, device))
    root = parse(text)
    dev = root.find("deviceUserResults/device")
    # Positional reading, as web2py-style clients do: [0] userID, [1] lastlogin, [2] emccDevice.
    expect(dev is not None and dev.get("name") == device and dev[0].tag == "userID" and dev[0].text == user,
           "deviceUserQuery (raw GET) shows the user on the device")

    status, text = post_form(url, "<query>%s<userDevicesQuery><userID>%s</userID></userDevicesQuery></query>" % (app_info, user))
    names = [e.text for e in parse(text).findall("userDevicesResults/user/deviceName")]
    expect(names == [device], "userDevicesQuery lists the device")

    status, text = post_form(url, "<query>%s<deviceProfileQuery><userID>%s</userID></deviceProfileQuery></query>" % (app_info, user))
    profiles = parse(text).findall("deviceProfileResults/user/deviceProfile")
    expect(len(profiles) >= 1 and profiles[0].find("deviceProfileName") is not None, "deviceProfileQuery lists the profiles")

    status, text = get_raw(url, "<request>%s<logout><deviceName>%s</deviceName></logout></request>" % (app_info, device))
    expect(parse(text).find("success") is not None, "logout (raw GET) succeeds")

    status, text = post_form(url, "<request>%s<logout><deviceName>%s</deviceName></logout></request>" % (app_info, device))
    error = parse(text).find("failure/error")
    expect(error is not None and error.get("code") == "19", "a second logout answers error 19")

    status, text = post_form(url, "<query>%s<deviceUserQuery><deviceName>%s</deviceName></deviceUserQuery></query>" % (app_info, device))
    dev = parse(text).find("deviceUserResults/device")
    expect(dev[0].tag == "none" and dev[1].tag == "lastlogin" and dev[1].text == user, "deviceUserQuery shows nobody and the last login")
    print("all steps passed")


if __name__ == "__main__":
    main()
