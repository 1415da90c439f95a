// Address forms the private-address rule must see through: IPv6 forms that embed an
// IPv4 address, site-local IPv6, the IETF protocol assignments block, and the IPv4 spellings the
// URL parser and fetch() accept.
import { describe, expect, it } from "vitest";
import { isPrivateHost } from "../../src/alerts/private-address";

const priv = (hosts: string[]) => hosts.forEach((h) => expect(isPrivateHost(h), h).toBe(true));
const pub = (hosts: string[]) => hosts.forEach((h) => expect(isPrivateHost(h), h).toBe(false));

describe("isPrivateHost: embedded IPv4 and other forms", () => {
  it("NAT64 64:ff9b::/96 is judged by its embedded IPv4 address", () => {
    priv(["[64:ff9b::7f00:1]", "[64:ff9b::127.0.0.1]", "[64:ff9b::a00:1]", "[64:ff9b::192.168.1.1]", "[64:ff9b::a9fe:a9fe]"]);
    pub(["[64:ff9b::808:808]", "[64:ff9b::8.8.8.8]"]);
  });

  it("IPv4-compatible ::a.b.c.d is judged by its embedded IPv4 address", () => {
    priv(["[::127.0.0.1]", "[::7f00:1]", "[::10.0.0.1]", "[::169.254.169.254]", "[::2]"]); // ::2 is 0.0.0.2
    pub(["[::8.8.8.8]", "[::808:808]"]);
  });

  it("IPv4-translated ::ffff:0:a.b.c.d is judged by its embedded IPv4 address", () => {
    priv(["[::ffff:0:127.0.0.1]", "[::ffff:0:7f00:1]", "[::ffff:0:192.168.0.1]"]);
    pub(["[::ffff:0:8.8.8.8]"]);
  });

  it("IPv4-mapped in full and mixed spellings", () => {
    priv(["[0:0:0:0:0:ffff:127.0.0.1]", "[0000:0000:0000:0000:0000:FFFF:7F00:0001]", "[::FFFF:10.1.2.3]"]);
  });

  it("6to4 2002::/16 is judged by the IPv4 address in bits 16-47", () => {
    priv(["[2002:7f00:1::]", "[2002:7f00:0001::1]", "[2002:c0a8:101::1]", "[2002:a00:1:1::1]", "[2002:a9fe:a9fe::]"]);
    pub(["[2002:808:808::1]", "[2002:101:101::]"]);
  });

  it("site-local fec0::/10 is private", () => {
    priv(["[fec0::1]", "[feff::1]", "[fed0:1:2::3]"]);
    pub(["[fe7f::1]", "[2001:4860::1]"]);
  });

  it("local-use NAT64 64:ff9b:1::/48 is private", () => {
    priv(["[64:ff9b:1::1]", "[64:ff9b:1:ffff::8.8.8.8]"]);
  });

  it("Teredo 2001::/32 is judged by its client IPv4 address (stored bit-inverted)", () => {
    priv(["[2001:0:4136:e378:8000:63bf:80ff:fffe]"]); // client 127.0.0.1
    pub(["[2001:0:4136:e378:8000:63bf:f7f7:f7f7]"]); // client 8.8.8.8
  });

  it("192.0.0.0/24 (IETF protocol assignments) is private, its neighbours are not", () => {
    priv(["192.0.0.1", "192.0.0.8", "192.0.0.170", "192.0.0.255"]);
    pub(["191.255.255.255", "192.0.1.0", "192.0.2.1"]);
  });

  it("decimal, octal and hex IPv4 spellings are judged as the address fetch() connects to", () => {
    priv(["2130706433", "0177.0.0.1", "0x7f.1", "0x7F.0.0.1", "127.1", "127.0.1", "0x7f000001", "017700000001", "0300.0250.1.1", "0xa9.0xfe.0xa9.0xfe", "3232235777", "0", "0x0"]);
    pub(["134744072", "0x08080808", "010.010.010.010", "8.8.2056"]);
  });

  it("IPv4 spellings with a trailing dot or in upper case", () => {
    priv(["127.0.0.1.", "0X7F.1", "2130706433."]);
  });

  it("names that merely look numeric are names, not addresses", () => {
    pub(["127.0.0.1.nip.io", "0x7f.example", "1.2.3.4.5", "example.com"]);
  });
});
