#include "plateau/schedulers/expression.h"

#include <muParser.h>

#include "plateau/core/error.h"

namespace plateau {

Expression::Expression(const std::string& text, const std::vector<std::string>& variables)
    : text_(text), names_(variables), values_(new double[variables.size()]()), parser_(new mu::Parser) {
  try {
    for (size_t i = 0; i < names_.size(); ++i) parser_->DefineVar(names_[i], &values_[i]);
    parser_->SetExpr(text_);
    parser_->Eval();  // parse now, so a bad expression fails at construction
  } catch (const mu::Parser::exception_type& e) {
    throw Error(cat("expression '", text_, "': ", e.GetMsg(), " (variables: ", join(names_), ")"));
  }
}

Expression::Expression(const Expression& other) : Expression(other.text_, other.names_) {}

Expression::~Expression() = default;

double Expression::operator()(const std::map<std::string, double>& values) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    auto it = values.find(names_[i]);
    values_[i] = it == values.end() ? 0.0 : it->second;
  }
  try {
    return parser_->Eval();
  } catch (const mu::Parser::exception_type& e) {
    throw Error(cat("expression '", text_, "': ", e.GetMsg()));
  }
}

}  // namespace plateau
