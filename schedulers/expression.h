#pragma once
// Expression: a formula over named variables ("0.95^epoch", "lr * 0.9 if epoch > 10" is written
// "epoch > 10 ? lr*0.9 : lr"), evaluated with muparser (https://beltoforion.de/en/muparser/).
// Errors name the expression and muparser's reason.

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mu {
class Parser;
}

namespace plateau {

// Keras/PyTorch counterpart: the Python lambda given to LearningRateScheduler or LambdaLR.
// Usage:
//   const Expression f("epoch < 5 ? lr : lr * 0.9", {"epoch", "lr"});
//   const double lr = f({{"epoch", 7}, {"lr", 0.1}});  // 0.09
class Expression {
 public:
  Expression(const std::string& text, const std::vector<std::string>& variables);
  ~Expression();
  Expression(const Expression& other);
  Expression& operator=(const Expression&) = delete;

  double operator()(const std::map<std::string, double>& values) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<std::string> names_;
  std::unique_ptr<double[]> values_;  // the storage muparser reads the variables from
  std::unique_ptr<mu::Parser> parser_;
};

}  // namespace plateau
