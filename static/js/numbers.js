/* Numbers and dates as people type and read them, for every page (window.PortalNumbers).
 *
 * The reading is the server's (customs_portal/localization.py, docs/decisions.md "Numbers and
 * dates"); both are tested against tests/localization_table.json. In short: with both `,` and
 * `.` the last one is the decimal mark; a mark written twice groups thousands; a single mark is
 * the decimal mark when it is the language's (vi `,`, en `.`), and otherwise groups thousands
 * only when it could (`17.710` in Vietnamese, `1,234` in English), else it is a decimal mark too.
 *
 * Amounts are exact decimals ({units: BigInt, scale}), never floats, so a line value is the
 * server's quantity × unit price rounded half-even to the cent.
 *
 * Behaviour: every <input data-number> shows what it was understood as ("= 2.350,5") in the
 * element #<id>-understood (created when the template has none); every <input data-date> reads
 * dd/mm/yyyy and gets a calendar button that fills it in that format, whatever the browser's language. */
(function () {
  "use strict";

  var DATE_PATTERNS = [
    /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/,
    /^(\d{1,2})-(\d{1,2})-(\d{4})$/,
    /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/
  ];
  var ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
  var MAX_LENGTH = 40;

  function language(lang) {
    var code = lang || document.documentElement.lang || "vi";
    return code.indexOf("vi") === 0 ? "vi" : "en";
  }

  function marks(lang) {
    return language(lang) === "vi" ? { decimal: ",", group: "." } : { decimal: ".", group: "," };
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* {sign, integer, fraction} (digit strings) of what was typed, or null when it is no number. */
  function split(text, lang) {
    var m = marks(lang);
    var typed = String(text == null ? "" : text).trim().replace(/\s+/g, " ");
    var sign = "";
    if (typed && "+-\u2212".indexOf(typed.charAt(0)) !== -1) {
      sign = typed.charAt(0) === "+" ? "" : "-";
      typed = typed.slice(1).replace(/^\s+/, "");
    }
    if (!typed || typed.length > MAX_LENGTH || !/^[0-9., ]+$/.test(typed)) {
      return null;
    }
    var found = typed.replace(/[^.,]/g, "");
    var decimal = null;
    if (found.indexOf(".") !== -1 && found.indexOf(",") !== -1) {
      decimal = found.charAt(found.length - 1);
      if (found.split(decimal).length - 1 > 1) {
        return null;
      }
    } else if (found.length === 1) {
      if (found === m.decimal) {
        decimal = found;
      } else {
        var single = new RegExp("^[1-9]\\d{0,2}(?: \\d{3})*" + escapeRegExp(m.group) + "\\d{3}$");
        decimal = single.test(typed) ? null : found;
      }
    }
    var integer = typed;
    var fraction = "";
    if (decimal) {
      var at = typed.lastIndexOf(decimal);
      integer = typed.slice(0, at);
      fraction = typed.slice(at + 1);
      if (!/^\d+$/.test(fraction)) {
        return null;
      }
    }
    if (integer && !/^(?:\d+|\d{1,3}(?:[., ]\d{3})+)$/.test(integer)) {
      return null;
    }
    if (!integer && !fraction) {
      return null;
    }
    return { sign: sign, integer: integer.replace(/\D/g, "") || "0", fraction: fraction };
  }

  function fromParts(parts) {
    var units = BigInt(parts.integer + parts.fraction);
    return { units: parts.sign === "-" ? -units : units, scale: parts.fraction.length };
  }

  /* The exact decimal typed, or null. */
  function parse(text, lang) {
    var parts = split(text, lang);
    return parts ? fromParts(parts) : null;
  }

  function pow10(n) {
    return BigInt("1" + "0".repeat(n));
  }

  function rescale(a, scale) {
    return { units: a.units * pow10(scale - a.scale), scale: scale };
  }

  function plus(a, b) {
    var scale = Math.max(a.scale, b.scale);
    return { units: rescale(a, scale).units + rescale(b, scale).units, scale: scale };
  }

  function minus(a, b) {
    return plus(a, { units: -b.units, scale: b.scale });
  }

  function times(a, b) {
    return { units: a.units * b.units, scale: a.scale + b.scale };
  }

  /* Rounded to `places` decimals: "half-even" (Decimal.quantize, as the server computes) or "half-up". */
  function round(a, places, mode) {
    if (a.scale <= places) {
      return rescale(a, places);
    }
    var factor = pow10(a.scale - places);
    var negative = a.units < 0n;
    var magnitude = negative ? -a.units : a.units;
    var quotient = magnitude / factor;
    var twice = (magnitude % factor) * 2n;
    if (twice > factor || (twice === factor && (mode === "half-up" || quotient % 2n === 1n))) {
      quotient += 1n;
    }
    return { units: negative ? -quotient : quotient, scale: places };
  }

  function compare(a, b) {
    var difference = minus(a, b).units;
    return difference > 0n ? 1 : (difference < 0n ? -1 : 0);
  }

  function abs(a) {
    return { units: a.units < 0n ? -a.units : a.units, scale: a.scale };
  }

  function isPositive(a) {
    return a.units > 0n;
  }

  function zero() {
    return { units: 0n, scale: 0 };
  }

  function fromString(text) {
    return parse(String(text), "en");
  }

  /* The canonical text (dot decimal, no grouping) that the server's forms and the API read. */
  function canonical(a) {
    var negative = a.units < 0n;
    var digits = (negative ? -a.units : a.units).toString().padStart(a.scale + 1, "0");
    var text = a.scale ? digits.slice(0, -a.scale) + "." + digits.slice(-a.scale) : digits;
    return (negative ? "-" : "") + text;
  }

  /* As the pages print it: grouped thousands, the language's decimal mark, `places` decimals (half-up). */
  function format(a, lang, places) {
    var m = marks(lang);
    var value = places == null ? a : round(a, places, "half-up");
    var text = canonical(value);
    var negative = text.charAt(0) === "-";
    if (negative) {
      text = text.slice(1);
    }
    var parts = text.split(".");
    var grouped = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, m.group);
    var result = grouped + (parts.length > 1 ? m.decimal + parts[1] : "");
    return (negative ? "-" : "") + result;
  }

  function significantPlaces(a) {
    var text = canonical(a);
    if (text.indexOf(".") === -1) {
      return 0;
    }
    return text.split(".")[1].replace(/0+$/, "").length;
  }

  /* What the page shows beside an input ("2.350,5"), or null when it is no number. */
  function understood(text, lang) {
    var parts = split(text, lang);
    if (!parts) {
      return null;
    }
    var value = fromParts(parts);
    var places = Math.max(significantPlaces(value), Math.min(parts.fraction.length, 2));
    return format(value, lang, places);
  }

  /* "yyyy-mm-dd" of a date typed as dd/mm/yyyy (or yyyy-mm-dd), or null. */
  function parseDate(text) {
    var typed = String(text == null ? "" : text).trim();
    var day, month, year, match;
    for (var i = 0; i < DATE_PATTERNS.length && !match; i += 1) {
      match = DATE_PATTERNS[i].exec(typed);
      if (match) {
        day = +match[1]; month = +match[2]; year = +match[3];
      }
    }
    if (!match) {
      match = ISO_DATE.exec(typed);
      if (!match) {
        return null;
      }
      year = +match[1]; month = +match[2]; day = +match[3];
    }
    var check = new Date(Date.UTC(year, month - 1, day));
    if (year < 1 || check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
      return null;
    }
    return String(year).padStart(4, "0") + "-" + String(month).padStart(2, "0") + "-" + String(day).padStart(2, "0");
  }

  /* dd/mm/yyyy of an ISO date. */
  function formatDate(iso) {
    var parts = String(iso || "").split("-");
    return parts.length === 3 ? parts[2] + "/" + parts[1] + "/" + parts[0] : "";
  }

  window.PortalNumbers = {
    split: split, parse: parse, plus: plus, minus: minus, times: times, round: round, compare: compare, abs: abs,
    isPositive: isPositive, zero: zero, fromString: fromString, canonical: canonical, format: format,
    understood: understood, parseDate: parseDate, formatDate: formatDate, language: language
  };

  /* <input data-number>: "= what was understood" (or why not) next to it. */
  function understoodBox(input) {
    var box = input.id ? document.getElementById(input.id + "-understood") : null;
    if (!box) {
      box = document.createElement("div");
      box.className = "form-text number-understood";
      if (input.id) {
        box.id = input.id + "-understood";
      }
      var anchor = input.closest(".input-group") || input;
      anchor.insertAdjacentElement("afterend", box);
    }
    if (box.id) {
      var described = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      if (described.indexOf(box.id) === -1) {
        described.push(box.id);
        input.setAttribute("aria-describedby", described.join(" "));
      }
    }
    return box;
  }

  function showUnderstood(input) {
    var box = understoodBox(input);
    var typed = input.value.trim();
    var text = typed ? understood(typed, null) : null;
    box.classList.toggle("text-danger", Boolean(typed) && text === null);
    if (!typed) {
      box.textContent = "";
    } else if (text === null) {
      box.textContent = document.body.dataset.msgNumberUnreadable || "?";
    } else {
      box.textContent = "= " + text;
    }
  }

  /* <input data-date>: typed dd/mm/yyyy is tidied (5/3/2026 -> 05/03/2026); a calendar button
   * opens the browser's picker on a hidden date input and writes its choice back as dd/mm/yyyy. */
  function tidyDate(input) {
    var iso = parseDate(input.value);
    if (iso) {
      input.value = formatDate(iso);
    }
  }

  function calendarIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    [["rect", { x: "1.5", y: "2.5", width: "13", height: "12", rx: "1.5" }],
     ["path", { d: "M1.5 6h13M5 1v3M11 1v3M4 8.5h2M7 8.5h2M10 8.5h2M4 11.5h2M7 11.5h2" }]].forEach(function (shape) {
      var element = document.createElementNS(ns, shape[0]);
      Object.keys(shape[1]).forEach(function (name) { element.setAttribute(name, shape[1][name]); });
      element.setAttribute("fill", "none");
      element.setAttribute("stroke", "currentColor");
      element.setAttribute("stroke-width", "1.3");
      svg.appendChild(element);
    });
    return svg;
  }

  function addPicker(input) {
    if (input.dataset.pickerReady) {
      return;
    }
    input.dataset.pickerReady = "1";
    var picker = document.createElement("input");
    picker.type = "date";
    if (typeof picker.showPicker !== "function") {
      return;
    }
    picker.className = "date-picker-proxy";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary date-picker-button";
    button.setAttribute("aria-label", document.body.dataset.msgChooseDate || "Choose a date");
    button.title = button.getAttribute("aria-label");
    button.appendChild(calendarIcon());
    var group = document.createElement("div");
    group.className = "input-group date-input-group";
    input.parentNode.insertBefore(group, input);
    group.appendChild(input);
    group.appendChild(button);
    group.appendChild(picker);
    button.addEventListener("click", function () {
      picker.value = parseDate(input.value) || "";
      try {
        picker.showPicker();
      } catch (error) {
        input.focus();
      }
    });
    picker.addEventListener("change", function () {
      if (picker.value) {
        input.value = formatDate(picker.value);
        input.classList.remove("is-invalid");
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
        input.focus();
      }
    });
  }

  function setUp(root) {
    root.querySelectorAll("input[data-number]").forEach(showUnderstood);
    root.querySelectorAll("input[data-date]").forEach(addPicker);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-number]")) {
      showUnderstood(event.target);
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[data-date]")) {
      tidyDate(event.target);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    setUp(document);
  });
  // Inputs added later (a new goods item, a condition row, an htmx answer) get the same.
  document.addEventListener("portal:content-added", function (event) {
    setUp(event.target);
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target) {
      setUp(event.detail.target);
    }
  });
})();
