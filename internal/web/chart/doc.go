// Package chart renders time-series line and area charts as SVG on the
// server, for the web UI's history pages: a vehicle's battery level and
// charging power, an energy site's power flows (solar, battery, grid, home)
// over the last day or week.
//
// Render writes one <svg> element (SVG returns it for an html/template). It
// scales to its container's width (a viewBox, width="100%"), is an image
// with an accessible name (<title>) and description (<desc>: each series'
// last value, minimum and maximum), and is drawn in currentColor and
// per-series colours that a stylesheet can override by class: every line is
// a <path class="series CLASS">, every filled area a <path class="area
// CLASS">, so the page decides the palette and dark mode just works.
//
// The y axis has 4 to 6 ticks at a step of 1, 2 or 5 × 10^n, over a fixed
// range (Chart.Min, Chart.Max) or the data's, rounded outwards and reaching
// 0 when the data crosses or nears it; a line marks 0 when the range spans
// it. The time axis is labelled at wall-clock boundaries in Chart.Location
// chosen by the span ("15:00" every few hours for a day, "Mon 2" each
// midnight for a week).
//
// Series follow Home Assistant's history: the last point at or before Start
// gives the value at Start, points after End are ignored, a Step series
// holds each value until the next point (and the last until End), and a NaN
// value (unavailable) breaks the line until the next value. Coordinates are
// rounded to a tenth and each pixel column keeps at most its first, lowest,
// highest and last point, so a week of 10-second samples stays small while
// its peaks survive. The output is the same bytes for the same input, with
// all text escaped.
//
// The package imports nothing from the rest of teslafleet: the web handlers
// turn recorded states into Series.
package chart
