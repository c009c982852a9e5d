package job

// Reference values printed by flux-core 0.88's own libflux-core
// (flux_job_id_encode / flux_job_id_parse, built from its source tree),
// with f58 taken in the C locale ("f") and in C.UTF-8 ("ƒ").

// idEncodings: id, dec, hex, kvs, dothex, words, f58 (C locale), f58plain, emoji, f58 (UTF-8).
var idEncodings = []struct {
	id                                                          uint64
	dec, hex, kvs, dothex, words, f58, f58plain, emoji, f58utf8 string
}{
	{0, "0", "0x0", "job.0000.0000.0000.0000", "0000.0000.0000.0000", "academy-academy-academy--academy-academy-academy", "f1", "f1", "😃", "ƒ1"},
	{1, "1", "0x1", "job.0000.0000.0000.0001", "0000.0000.0000.0001", "acrobat-academy-academy--academy-academy-academy", "f2", "f2", "😄", "ƒ2"},
	{57, "57", "0x39", "job.0000.0000.0000.0039", "0000.0000.0000.0039", "aztec-academy-academy--academy-academy-academy", "fz", "fz", "🙊", "ƒz"},
	{58, "58", "0x3a", "job.0000.0000.0000.003a", "0000.0000.0000.003a", "balance-academy-academy--academy-academy-academy", "f21", "f21", "💌", "ƒ21"},
	{1234, "1234", "0x4d2", "job.0000.0000.0000.04d2", "0000.0000.0000.04d2", "turtle-academy-academy--academy-academy-academy", "fNH", "fNH", "😁👌", "ƒNH"},
	{32767, "32767", "0x7fff", "job.0000.0000.0000.7fff", "0000.0000.0000.7fff", "english-algebra-academy--academy-academy-academy", "fAjx", "fAjx", "🙉🚭", "ƒAjx"},
	{18446744073709551615, "18446744073709551615", "0xffffffffffffffff", "job.ffff.ffff.ffff.ffff", "ffff.ffff.ffff.ffff", "natural-analyze-verbal--natural-analyze-verbal", "fjpXCZedGfVQ", "fjpXCZedGfVQ", "🚹💗💧👗😷📷📚", "ƒjpXCZedGfVQ"},
	{18364758544493064720, "18364758544493064720", "0xfedcba9876543210", "job.fedc.ba98.7654.3210", "fedc.ba98.7654.3210", "lion-life-vampire--python-message-null", "fjdV1ApWfY6s", "fjdV1ApWfY6s", "🚬📡🚅🏀🔐🔔🐩", "ƒjdV1ApWfY6s"},
	{123456789012345, "123456789012345", "0x7048860ddf79", "job.0000.7048.860d.df79", "0000.7048.860d.df79", "piano-copper-college--famous-album-academy", "fxv12grS4", "fxv12grS4", "😄🆘🕙🌸🎾🍭", "ƒxv12grS4"},
	{16777216, "16777216", "0x1000000", "job.0000.0000.0100.0000", "0000.0000.0100.0000", "clean-photo-adrian--academy-academy-academy", "f2UzHM", "f2UzHM", "😼🕚💞", "ƒ2UzHM"},
	{20015998341291, "20015998341291", "0x1234567890ab", "job.0000.1234.5678.90ab", "0000.1234.5678.90ab", "humor-oregano-patrol--james-active-academy", "fA4ncESxS", "fA4ncESxS", "🐌📍🌼💞🐢", "ƒA4ncESxS"},
	{2147483647, "2147483647", "0x7fffffff", "job.0000.0000.7fff.ffff", "0000.0000.7fff.ffff", "aurora-little-armada--academy-academy-academy", "f4GmR58", "f4GmR58", "😋💏🎩🚶", "ƒ4GmR58"},
	{4294967295, "4294967295", "0xffffffff", "job.0000.0000.ffff.ffff", "0000.0000.ffff.ffff", "natural-analyze-verbal--academy-academy-academy", "f7YXq9G", "f7YXq9G", "😳🏪🍖🍸", "ƒ7YXq9G"},
	{4294967296, "4294967296", "0x100000000", "job.0000.0001.0000.0000", "0000.0001.0000.0000", "academy-academy-academy--acrobat-academy-academy", "f7YXq9H", "f7YXq9H", "😳🏪🍖🍹", "ƒ7YXq9H"},
}

// idParses: input, id, errno (0: success).
var idParses = []struct {
	in    string
	id    uint64
	errno int
}{
	{"", 0, 22},
	{" ", 0, 22},
	{"abc", 0, 22},
	{"-1", 0, 22},
	{"+5", 5, 0},
	{"0x", 0, 22},
	{"0x10", 16, 0},
	{"0X10", 0, 22},
	{"  42  ", 42, 0},
	{"42x", 0, 22},
	{"18446744073709551616", 0, 34},
	{"job.0000.0000.0000.0001", 1, 0},
	{"0000.0000.0000.0001 ", 0, 22},
	{" 1.2.3.4", 281483566841860, 0},
	{"1.2.3", 0, 22},
	{"1.2.3.4.5", 0, 22},
	{"0x1.2.3.4", 281483566841860, 0},
	{"-1.0.0.0", 18446462598732840960, 0},
	{"f1", 0, 0},
	{"ƒ2", 1, 0},
	{"f", 0, 22},
	{"fzzzzzzzzzzzz", 10379314260256165887, 0},
	{"fzzzzzzzzzzzzz", 0, 22},
	{"f0", 0, 22},
	{"fabc def", 0, 22},
	{"academy-academy-academy--academy-academy-academy", 0, 0},
	{"ACADEMY-academy-academy--academy-academy-academy", 0, 0},
	{"academy-academy-academy--academy-academy", 0, 22},
	{"academy-academy-academy--academy-academy-academy-bogus", 0, 0},
	{"bogus-academy", 0, 22},
	{"yes-yes-yes--yes-yes-yes", 0, 22},
	{"😃", 0, 0},
	{"😃😃😃😃😃😃😃😃", 0, 22},
	{"\t7", 7, 0},
	{"job.42", 42, 0},
	{"job. 42", 42, 0},
	{" job.42", 42, 0},
	{"1e3", 0, 22},
	{"0x-1", 0, 22},
	{"0xg", 0, 22},
	{"f1O", 0, 22},
}
