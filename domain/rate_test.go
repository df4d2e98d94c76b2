package domain_test

import (
	"strings"
	"testing"

	"github.com/collabbot/collabbot/domain"
)

func TestParseRateValid(t *testing.T) {
	tests := []struct {
		in   string
		want domain.Rate
	}{
		{"15", 1500},
		{"15%", 1500},
		{"12.5%", 1250},
		{"12.55%", 1255},
		{" 8 % ", 800},
		{"1%", 100},
		{"80%", 8000},
		{"1", 100},
		{"80", 8000},
		{"80.00%", 8000},
		{"1.00", 100},
		{"1.05%", 105},
		{"10.1%", 1010},
		{"015%", 1500},
		{"\t20%\n", 2000},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := domain.ParseRate("commission_rate", tc.in)
			if err != nil {
				t.Fatalf("ParseRate(%q) error: %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseRate(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseRateInvalid(t *testing.T) {
	tests := []struct {
		in string
	}{
		{in: "0.99%"},
		{in: "80.01%"},
		{in: "81"},
		{in: "0"},
		{in: "0%"},
		{in: "-5"},
		{in: "abc"},
		{in: ""},
		{in: "   "},
		{in: "%"},
		{in: "12.555%"},
		{in: "1e3"},
		{in: "15%%"},
		{in: "12.%"},
		{in: ".5%"},
		{in: "+15"},
		{in: "1 5%"},
		{in: "15,5%"},
		{in: "%15"},
		{in: "0x10"},
		{in: "١٥"}, // Arabic-Indic digits
		{in: "000000015"},
		{in: "99999999999999999999"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := domain.ParseRate("commission_rate", tc.in)
			if err == nil {
				t.Fatalf("ParseRate(%q) = %d, want an error", tc.in, got)
			}
			if got != 0 {
				t.Errorf("ParseRate(%q) returned rate %d along with its error", tc.in, got)
			}
			checkErr(t, err, domain.KindInvalid, "commission_rate", "Commission rate")
			t.Run("message names the range", func(t *testing.T) {
				msg := domain.ErrorMessage(err)
				if !strings.Contains(msg, "1%") || !strings.Contains(msg, "80%") {
					t.Errorf("message %q does not mention 1%% and 80%%", msg)
				}
			})
		})
	}
}

func TestParseRateFieldLabel(t *testing.T) {
	_, err := domain.ParseRate("", "abc")
	checkErr(t, err, domain.KindInvalid, "", "Value must be")
	_, err = domain.ParseRate("rate-all", "90")
	checkErr(t, err, domain.KindInvalid, "rate-all", "Rate all must be")
}

func TestRateString(t *testing.T) {
	tests := []struct {
		r    domain.Rate
		want string
	}{
		{1500, "15%"},
		{1250, "12.5%"},
		{1255, "12.55%"},
		{105, "1.05%"},
		{100, "1%"},
		{8000, "80%"},
		{1010, "10.1%"},
		{1001, "10.01%"},
		{0, "0%"},
		{-150, "-1.5%"},
	}
	for _, tc := range tests {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("Rate(%d).String() = %q, want %q", tc.r, got, tc.want)
		}
	}
}

// Every valid rate survives String then ParseRate.
func TestRateRoundTripAll(t *testing.T) {
	for r := domain.MinRate; r <= domain.MaxRate; r++ {
		got, err := domain.ParseRate("commission_rate", r.String())
		if err != nil || got != r {
			t.Fatalf("ParseRate(%q) = %d, %v; want %d", r.String(), got, err, r)
		}
	}
}

func TestRateValidate(t *testing.T) {
	for _, r := range []domain.Rate{100, 101, 4000, 7999, 8000} {
		if err := r.Validate("commission_rate"); err != nil {
			t.Errorf("Rate(%d).Validate: %v", r, err)
		}
	}
	for _, r := range []domain.Rate{-100, 0, 99, 8001, 10000} {
		err := r.Validate("commission_rate")
		checkErr(t, err, domain.KindInvalid, "commission_rate", "Commission rate", "1%", "80%", r.String())
	}
	if domain.MinRate != 100 || domain.MaxRate != 8000 {
		t.Errorf("MinRate, MaxRate = %d, %d; TikTok's range is 100..8000 basis points", domain.MinRate, domain.MaxRate)
	}
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{
		"15", "15%", "12.5%", "12.55%", " 8 % ", "1%", "80%", "0.99%", "80.01%",
		"81", "0", "-5", "abc", "", "12.555%", "1e3", "15%%", "12.%", "1.05", "00000080",
		"9999999", "  %", "1.0%", "\u00a015%",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := domain.ParseRate("commission_rate", s)
		if err != nil {
			if k := domain.ErrorKind(err); k != domain.KindInvalid {
				t.Fatalf("ParseRate(%q) error kind %q, want invalid", s, k)
			}
			if f := domain.ErrorField(err); f != "commission_rate" {
				t.Fatalf("ParseRate(%q) error field %q", s, f)
			}
			return
		}
		if r < 100 || r > 8000 {
			t.Fatalf("ParseRate(%q) = %d, outside 100..8000", s, r)
		}
		back, err := domain.ParseRate("commission_rate", r.String())
		if err != nil || back != r {
			t.Fatalf("ParseRate(%q) = %d, but ParseRate(%q) = %d, %v", s, r, r.String(), back, err)
		}
	})
}

func TestParseMoney(t *testing.T) {
	valid := []struct {
		in   string
		want domain.Money
	}{
		{"24.90", 2490},
		{"24", 2400},
		{"$24.9", 2490},
		{"1,250.00", 125000},
		{" 0.05 ", 5},
		{"0", 0},
		{"$0.99", 99},
		{"1,000,000", 100000000},
	}
	for _, tc := range valid {
		got, err := domain.ParseMoney("price", tc.in)
		if err != nil {
			t.Errorf("ParseMoney(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseMoney(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
	invalid := []string{"", "abc", "-5", "24.999", "24.", ".5", "$", "24.9.0", "1e3", "$-1", "12 50", "9999999999999999", "€24"}
	for _, in := range invalid {
		got, err := domain.ParseMoney("price", in)
		if err == nil {
			t.Errorf("ParseMoney(%q) = %d, want an error", in, got)
			continue
		}
		checkErr(t, err, domain.KindInvalid, "price", "Price must be an amount like 24.90")
	}
}

func TestParseMoneyDecimalComma(t *testing.T) {
	for _, in := range []string{"24,90", "1,2,5", "12,5"} {
		if got, err := domain.ParseMoney("price", in); err == nil {
			t.Errorf("ParseMoney(%q) = %s, want an error (ambiguous comma)", in, got)
		}
	}
}

func TestMoneyString(t *testing.T) {
	tests := []struct {
		m    domain.Money
		want string
	}{
		{2490, "24.90"},
		{2400, "24.00"},
		{5, "0.05"},
		{0, "0.00"},
		{125000, "1250.00"},
		{-150, "-1.50"},
		{-5, "-0.05"},
	}
	for _, tc := range tests {
		if got := tc.m.String(); got != tc.want {
			t.Errorf("Money(%d).String() = %q, want %q", tc.m, got, tc.want)
		}
	}
	// String output parses back.
	for _, m := range []domain.Money{0, 1, 99, 100, 2490, 123456789} {
		got, err := domain.ParseMoney("price", m.String())
		if err != nil || got != m {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d", m.String(), got, err, m)
		}
	}
}
