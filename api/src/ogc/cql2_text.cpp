// cql2-text (OGC 21-065 Annex B's BNF): a recursive-descent parser whose every recursion
// counts its depth, over a lexer that reads on demand so that a WKT literal can be handed to
// GEOS as the text it is. Positions in messages are 1-based character offsets.
#include <array>
#include <charconv>
#include <cmath>
#include <optional>

#include "ogc/cql2.hpp"

namespace rootzone::api {

namespace {

using storage::filter::Node;
using storage::filter::Op;

enum class Tok { end, word, quoted_word, string, number, lparen, rparen, comma, op };

struct Token {
  Tok kind = Tok::end;
  std::string text;  // word, string (unescaped), number, operator
  std::size_t pos = 0;
};

bool word_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool word_part(char c) {
  return word_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '.';
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

struct Named {
  const char* name;
  Op op;
};

constexpr std::array<Named, 8> kSpatial{{{"S_INTERSECTS", Op::s_intersects},
                                         {"S_EQUALS", Op::s_equals},
                                         {"S_DISJOINT", Op::s_disjoint},
                                         {"S_TOUCHES", Op::s_touches},
                                         {"S_WITHIN", Op::s_within},
                                         {"S_OVERLAPS", Op::s_overlaps},
                                         {"S_CROSSES", Op::s_crosses},
                                         {"S_CONTAINS", Op::s_contains}}};

constexpr std::array<Named, 15> kTemporal{{{"T_AFTER", Op::t_after},
                                           {"T_BEFORE", Op::t_before},
                                           {"T_CONTAINS", Op::t_contains},
                                           {"T_DISJOINT", Op::t_disjoint},
                                           {"T_DURING", Op::t_during},
                                           {"T_EQUALS", Op::t_equals},
                                           {"T_FINISHEDBY", Op::t_finishedby},
                                           {"T_FINISHES", Op::t_finishes},
                                           {"T_INTERSECTS", Op::t_intersects},
                                           {"T_MEETS", Op::t_meets},
                                           {"T_METBY", Op::t_metby},
                                           {"T_OVERLAPPEDBY", Op::t_overlappedby},
                                           {"T_OVERLAPS", Op::t_overlaps},
                                           {"T_STARTEDBY", Op::t_startedby},
                                           {"T_STARTS", Op::t_starts}}};

constexpr std::array<const char*, 7> kWkt{"POINT",      "LINESTRING",         "POLYGON",
                                          "MULTIPOINT", "MULTILINESTRING",    "MULTIPOLYGON",
                                          "GEOMETRYCOLLECTION"};

template <std::size_t N>
std::optional<Op> lookup(const std::array<Named, N>& table, std::string_view word) {
  for (const auto& n : table) {
    if (iequals(word, n.name)) return n.op;
  }
  return std::nullopt;
}

class TextParser {
 public:
  TextParser(std::string_view text, const FilterCrs& crs) : text_(text), crs_(crs) { advance(); }

  Node parse() {
    auto n = or_expr(0);
    if (tok_.kind != Tok::end) error("expected AND, OR or the end");
    return n;
  }

 private:
  [[noreturn]] void error(const std::string& what) const {
    const std::string found = tok_.kind == Tok::end ? "the end" : "'" + tok_.text + "'";
    cql2::fail("syntax error at position " + std::to_string(tok_.pos + 1) + ": " + what +
               ", found " + found);
  }

  void skip_space() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }

  void lex_string() {
    ++at_;
    while (true) {
      if (at_ >= text_.size()) {
        tok_.text = "'";
        cql2::fail("syntax error at position " + std::to_string(tok_.pos + 1) +
                   ": a string that is never closed");
      }
      if (text_[at_] == '\'') {
        if (at_ + 1 < text_.size() && text_[at_ + 1] == '\'') {
          tok_.text += '\'';
          at_ += 2;
          continue;
        }
        ++at_;
        return;
      }
      tok_.text += text_[at_++];
    }
  }

  void lex_number() {
    const auto start = at_;
    const auto digits = [&] {
      while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_]))) ++at_;
    };
    if (text_[at_] == '-' || text_[at_] == '+') ++at_;
    digits();
    if (at_ < text_.size() && text_[at_] == '.') {
      ++at_;
      digits();
    }
    if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
      ++at_;
      if (at_ < text_.size() && (text_[at_] == '-' || text_[at_] == '+')) ++at_;
      digits();
    }
    tok_.text = std::string(text_.substr(start, at_ - start));
  }

  void advance() {
    skip_space();
    tok_ = Token{Tok::end, "", at_};
    if (at_ >= text_.size()) return;
    const char c = text_[at_];
    const char next = at_ + 1 < text_.size() ? text_[at_ + 1] : '\0';
    if (word_start(c)) {
      const auto start = at_;
      while (at_ < text_.size() && word_part(text_[at_])) ++at_;
      tok_ = {Tok::word, std::string(text_.substr(start, at_ - start)), start};
    } else if (c == '"') {
      const auto close = text_.find('"', at_ + 1);
      if (close == std::string_view::npos) error("a quoted property name that is never closed");
      tok_ = {Tok::quoted_word, std::string(text_.substr(at_ + 1, close - at_ - 1)), at_};
      at_ = close + 1;
    } else if (c == '\'') {
      tok_.kind = Tok::string;
      lex_string();
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               ((c == '-' || c == '+' || c == '.') &&
                (std::isdigit(static_cast<unsigned char>(next)) || next == '.'))) {
      tok_.kind = Tok::number;
      lex_number();
    } else if (c == '(' || c == ')' || c == ',') {
      tok_ = {c == '(' ? Tok::lparen : c == ')' ? Tok::rparen : Tok::comma, std::string(1, c), at_};
      ++at_;
    } else if (c == '=' || c == '<' || c == '>') {
      const bool two = (c == '<' && (next == '>' || next == '=')) || (c == '>' && next == '=');
      tok_ = {Tok::op, std::string(text_.substr(at_, two ? 2 : 1)), at_};
      at_ += two ? 2 : 1;
    } else {
      tok_ = {Tok::op, std::string(1, c), at_};
      error("an unexpected character");
    }
  }

  bool is_word(const char* w) const { return tok_.kind == Tok::word && iequals(tok_.text, w); }
  bool accept_word(const char* w) {
    if (!is_word(w)) return false;
    advance();
    return true;
  }
  void expect(Tok kind, const char* what) {
    if (tok_.kind != kind) error(std::string("expected ") + what);
    advance();
  }
  void expect_word(const char* w) {
    if (!accept_word(w)) error(std::string("expected ") + w);
  }
  void check_depth(int depth) const {
    if (depth > storage::filter::kMaxDepth) {
      cql2::fail("nested deeper than " + std::to_string(storage::filter::kMaxDepth) +
                 " levels at position " + std::to_string(tok_.pos + 1));
    }
  }

  Node or_expr(int depth) {
    check_depth(depth);
    std::vector<Node> parts;
    parts.push_back(and_expr(depth));
    while (accept_word("OR")) parts.push_back(and_expr(depth));
    return parts.size() == 1 ? std::move(parts[0]) : Node::logical(Op::or_, std::move(parts));
  }

  Node and_expr(int depth) {
    std::vector<Node> parts;
    parts.push_back(not_expr(depth));
    while (accept_word("AND")) parts.push_back(not_expr(depth));
    return parts.size() == 1 ? std::move(parts[0]) : Node::logical(Op::and_, std::move(parts));
  }

  Node not_expr(int depth) {
    check_depth(depth);
    if (accept_word("NOT")) return Node::logical(Op::not_, {not_expr(depth + 1)});
    return primary(depth);
  }

  Node primary(int depth) {
    if (tok_.kind == Tok::lparen) {
      advance();
      auto inner = or_expr(depth + 1);
      expect(Tok::rparen, "')'");
      return inner;
    }
    if (tok_.kind == Tok::word) {
      if (auto op = lookup(kSpatial, tok_.text)) return spatial(*op);
      if (auto op = lookup(kTemporal, tok_.text)) return temporal(*op);
      if (is_word("S_DWITHIN")) return dwithin();
    }
    return predicate();
  }

  Node predicate() {
    auto left = scalar();
    if (tok_.kind == Tok::op) {
      const auto op = comparison(tok_.text);
      advance();
      return Node::logical(op, {std::move(left), scalar()});
    }
    const bool negated = accept_word("NOT");
    if (accept_word("LIKE")) {
      if (tok_.kind != Tok::string) error("expected a pattern string after LIKE");
      auto pattern = Node::string_value(tok_.text);
      advance();
      return maybe_not(negated, Node::logical(Op::like, {std::move(left), std::move(pattern)}));
    }
    if (accept_word("BETWEEN")) {
      auto low = scalar();
      expect_word("AND");
      return maybe_not(negated, Node::logical(Op::between, {std::move(left), low, scalar()}));
    }
    if (accept_word("IN")) return maybe_not(negated, in_list(std::move(left)));
    if (negated) error("expected LIKE, BETWEEN or IN after NOT");
    if (accept_word("IS")) {
      const bool not_null = accept_word("NOT");
      expect_word("NULL");
      return maybe_not(not_null, Node::logical(Op::is_null, {std::move(left)}));
    }
    if (left.op == Op::boolean) return left;  // TRUE or FALSE as a whole condition
    error("expected a comparison, LIKE, BETWEEN, IN or IS NULL");
  }

  static Node maybe_not(bool negated, Node n) {
    return negated ? Node::logical(Op::not_, {std::move(n)}) : n;
  }

  Op comparison(const std::string& op) const {
    if (op == "=") return Op::eq;
    if (op == "<>") return Op::ne;
    if (op == "<") return Op::lt;
    if (op == "<=") return Op::le;
    if (op == ">") return Op::gt;
    if (op == ">=") return Op::ge;
    error("expected a comparison operator");
  }

  Node in_list(Node left) {
    expect(Tok::lparen, "'(' after IN");
    std::vector<Node> args{std::move(left)};
    args.push_back(scalar());
    while (tok_.kind == Tok::comma) {
      advance();
      if (args.size() > storage::filter::kMaxInList) {
        cql2::fail("an IN list of more than " + std::to_string(storage::filter::kMaxInList) +
                   " values at position " + std::to_string(tok_.pos + 1));
      }
      args.push_back(scalar());
    }
    expect(Tok::rparen, "')' closing the IN list");
    return Node::logical(Op::in, std::move(args));
  }

  double number_text(const std::string& s) const {
    double v = 0;
    const char* begin = s.data() + (s.starts_with('+') ? 1 : 0);
    const auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) {
      error("expected a number");
    }
    return v;
  }

  double number() {
    if (tok_.kind != Tok::number) error("expected a number");
    const double v = number_text(tok_.text);
    advance();
    return v;
  }

  std::string string_argument(const char* function) {
    expect(Tok::lparen, "'('");
    if (tok_.kind != Tok::string) error(std::string("expected a quoted string in ") + function);
    auto s = tok_.text;
    advance();
    expect(Tok::rparen, "')'");
    return s;
  }

  Node instant_literal(bool date) {
    const auto pos = tok_.pos;
    const auto text = string_argument(date ? "DATE" : "TIMESTAMP");
    const auto value = date ? cql2::date_text(text) : cql2::timestamp_text(text);
    if (!value) {
      cql2::fail("at position " + std::to_string(pos + 1) + ": '" + text.substr(0, 40) +
                 "' is not " + (date ? "a date (YYYY-MM-DD)" : "an RFC 3339 timestamp"));
    }
    Node n;
    n.op = date ? Op::date : Op::timestamp;
    n.text = *value;
    return n;
  }

  Node scalar() {
    switch (tok_.kind) {
      case Tok::string: {
        auto n = Node::string_value(tok_.text);
        advance();
        return n;
      }
      case Tok::number:
        return Node::number_value(number());
      case Tok::quoted_word: {
        auto n = Node::property(tok_.text);
        advance();
        return n;
      }
      case Tok::word:
        return word_scalar();
      default:
        error("expected a property, a literal or a function");
    }
  }

  Node word_scalar() {
    if (accept_word("TRUE")) return Node::boolean_value(true);
    if (accept_word("FALSE")) return Node::boolean_value(false);
    if (accept_word("DATE")) return instant_literal(true);
    if (accept_word("TIMESTAMP")) return instant_literal(false);
    if (is_word("CASEI") || is_word("ACCENTI")) {
      error("case- and accent-insensitive comparison are not supported");
    }
    if (is_word("INTERVAL")) error("an INTERVAL belongs in a temporal function");
    for (const char* w : kWkt) {
      if (is_word(w)) return geometry_literal();
    }
    if (is_word("BBOX")) return geometry_literal();
    auto n = Node::property(tok_.text);
    const auto pos = tok_.pos;
    advance();
    if (tok_.kind == Tok::lparen) {
      cql2::fail("at position " + std::to_string(pos + 1) + ": unknown function '" + n.text +
                 "'");
    }
    return n;
  }

  // WKT from the keyword to its closing parenthesis, as written, for GEOS's reader.
  Node geometry_literal() {
    Node n;
    n.op = Op::geometry;
    if (accept_word("BBOX")) {
      expect(Tok::lparen, "'(' after BBOX");
      std::vector<double> v{number()};
      while (tok_.kind == Tok::comma && v.size() < 6) {
        advance();
        v.push_back(number());
      }
      expect(Tok::rparen, "')' closing BBOX");
      if (v.size() != 4 && v.size() != 6) error("BBOX takes four or six numbers");
      // Six numbers: minx, miny, minz, maxx, maxy, maxz.
      n.geometry = v.size() == 4 ? cql2::from_bbox(v[0], v[1], v[2], v[3], crs_)
                                 : cql2::from_bbox(v[0], v[1], v[3], v[4], crs_);
      return n;
    }
    const auto start = tok_.pos;
    auto i = at_;
    while (i < text_.size() && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
    if (i >= text_.size() || text_[i] != '(') error("expected '(' after the geometry type");
    int depth = 0;
    for (; i < text_.size(); ++i) {
      if (text_[i] == '(' && ++depth > storage::filter::kMaxDepth) {
        cql2::fail("a geometry nested too deeply at position " + std::to_string(i + 1));
      }
      if (text_[i] == ')' && --depth == 0) break;
    }
    if (i >= text_.size()) error("a geometry that is never closed");
    n.geometry = cql2::from_wkt(text_.substr(start, i + 1 - start), crs_);
    at_ = i + 1;
    advance();
    return n;
  }

  Node geometry_operand() {
    if (tok_.kind == Tok::quoted_word || tok_.kind == Tok::word) {
      for (const char* w : kWkt) {
        if (is_word(w)) return geometry_literal();
      }
      if (is_word("BBOX")) return geometry_literal();
      auto n = Node::property(tok_.text);
      advance();
      return n;
    }
    error("expected a geometry property or literal");
  }

  Node spatial(Op op) {
    advance();
    expect(Tok::lparen, "'('");
    auto a = geometry_operand();
    expect(Tok::comma, "','");
    auto b = geometry_operand();
    expect(Tok::rparen, "')'");
    return Node::logical(op, {std::move(a), std::move(b)});
  }

  // rootzone's extension: S_DWITHIN(geometry, POINT(...), distance, meters).
  Node dwithin() {
    advance();
    expect(Tok::lparen, "'('");
    auto a = geometry_operand();
    expect(Tok::comma, "','");
    auto b = geometry_operand();
    expect(Tok::comma, "','");
    const auto pos = tok_.pos;
    const double d = number();
    if (d < 0 || d > kMaxDwithinMetres) {
      cql2::fail("at position " + std::to_string(pos + 1) + ": S_DWITHIN's distance must be 0 to " +
                 std::to_string(static_cast<int>(kMaxDwithinMetres)) + " metres");
    }
    expect(Tok::comma, "','");
    if (tok_.kind != Tok::word || !cql2::is_metres(tok_.text)) {
      error("expected the unit 'meters' (metres of the store CRS)");
    }
    advance();
    expect(Tok::rparen, "')'");
    auto n = Node::logical(Op::s_dwithin, {std::move(a), std::move(b)});
    n.number = d;
    return n;
  }

  Node instant_parameter() {
    if (tok_.kind == Tok::string) {
      Node n;
      if (tok_.text == "..") {
        n.op = Op::open_end;
      } else if (auto d = cql2::date_text(tok_.text)) {
        n.op = Op::date;
        n.text = *d;
      } else if (auto t = cql2::timestamp_text(tok_.text)) {
        n.op = Op::timestamp;
        n.text = *t;
      } else {
        error("expected a date, a timestamp or '..'");
      }
      advance();
      return n;
    }
    return temporal_operand(false);
  }

  Node temporal_operand(bool interval_allowed) {
    if (accept_word("DATE")) return instant_literal(true);
    if (accept_word("TIMESTAMP")) return instant_literal(false);
    if (interval_allowed && accept_word("INTERVAL")) {
      expect(Tok::lparen, "'(' after INTERVAL");
      auto start = instant_parameter();
      expect(Tok::comma, "','");
      auto end = instant_parameter();
      expect(Tok::rparen, "')' closing INTERVAL");
      return Node::logical(Op::interval, {std::move(start), std::move(end)});
    }
    if (tok_.kind == Tok::word || tok_.kind == Tok::quoted_word) {
      auto n = Node::property(tok_.text);
      advance();
      return n;
    }
    error("expected DATE, TIMESTAMP, INTERVAL or a property");
  }

  Node temporal(Op op) {
    advance();
    expect(Tok::lparen, "'('");
    auto a = temporal_operand(true);
    expect(Tok::comma, "','");
    auto b = temporal_operand(true);
    expect(Tok::rparen, "')'");
    return Node::logical(op, {std::move(a), std::move(b)});
  }

  std::string_view text_;
  const FilterCrs& crs_;
  std::size_t at_ = 0;
  Token tok_;
};

}  // namespace

storage::filter::Node parse_cql2_text(std::string_view text, const FilterCrs& crs) {
  if (text.size() > kMaxFilterBytes) {
    cql2::fail("longer than " + std::to_string(kMaxFilterBytes) + " bytes");
  }
  return TextParser(text, crs).parse();
}

}  // namespace rootzone::api
