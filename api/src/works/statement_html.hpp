#pragma once
// The work statement as a printable HTML document (German first, English second) with its map
// sketch as inline SVG: no script, no external resource, the same for every client.
#include <string>
#include <string_view>

#include "rootzone/core/work_statement.hpp"

namespace rootzone::api {

// Text from the store as HTML text or attribute value: & < > " ' escaped.
std::string html_escape(std::string_view text);

// The map sketch: the work's outline, the trees of the extent, protected trees' zones, the
// conflicting trees marked in their severity's colour and labelled with their number, a scale
// bar and a north arrow. Coordinates in the store CRS (metres), north up.
std::string statement_svg(const core::WorkStatement& s);

// The whole document; `version` is rootzone's.
std::string statement_html(const core::WorkStatement& s, std::string_view version);

}  // namespace rootzone::api
