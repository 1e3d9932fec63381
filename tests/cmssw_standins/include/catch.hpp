// Stand-in for Catch2 v2's single header (catch.hpp), for the CMSSW package's unit tests where no Catch2 is installed
// (e2e_nb's test machines). Only what those tests use, with Catch2's semantics:
//   TEST_CASE(name[, tags]); SECTION(name): the test case is run once per leaf section, from its start, entering one
//   section not yet run per pass (nested sections included); REQUIRE/CHECK(expr) (REQUIRE aborts the test case,
//   CHECK goes on), REQUIRE_FALSE/CHECK_FALSE, REQUIRE_NOTHROW, REQUIRE_THROWS, REQUIRE_THROWS_AS(expr, type),
//   REQUIRE_THROWS_WITH(expr, matcher) with Catch::Contains, INFO and WARN (messages), Approx; a failed expression is
//   reported with its values ("lhs == rhs" expanded) as Catch2 does. CATCH_CONFIG_MAIN defines main(): runs the test
//   cases (all, or those whose name or tag is given on the command line), prints the failures and Catch2's summary
//   line, returns the number of failed test cases. An exception escaping a test case fails it.
#ifndef E2E_STANDIN_CATCH_HPP
#define E2E_STANDIN_CATCH_HPP
#include <cmath>
#include <cstddef>
#include <exception>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

// As Catch2 does: comparing e.g. a size with an int literal in REQUIRE(v.size() == 5) is not a warning of the test
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"

namespace Catch {
  namespace detail {
    template <typename T, typename = void>
    struct IsStreamable : std::false_type {};
    template <typename T>
    struct IsStreamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>>
        : std::true_type {};

    template <typename T>
    std::string stringify(const T& v) {
      if constexpr (std::is_same_v<T, bool>)
        return v ? "true" : "false";
      else if constexpr (std::is_convertible_v<T, std::string>)
        return "\"" + std::string(v) + "\"";
      else if constexpr (IsStreamable<T>::value) {
        std::ostringstream s;
        s.precision(9);
        s << v;
        return s.str();
      } else
        return "{?}";
    }

    struct TestCase {
      std::string name, tags;
      void (*fn)();
      const char* file;
      int line;
    };
    inline std::vector<TestCase>& registry() {
      static std::vector<TestCase> r;
      return r;
    }

    // The section tracker of one test case: a section is identified by its path of names. A pass enters a section
    // not yet completed only while no leaf has run in this pass; a section is completed once a pass leaves it with
    // none of its children pending.
    struct Tracker {
      std::vector<std::string> done;  // completed section paths
      std::vector<std::string> stack;
      std::vector<bool> childPending;  // per open section: a child was skipped in this pass
      bool leafRan = false, anyPending = false;
      std::string path(const std::string& name) const {
        std::string p;
        for (const auto& s : stack)
          p += s + "/";
        return p + name;
      }
      bool isDone(const std::string& p) const {
        for (const auto& d : done)
          if (d == p)
            return true;
        return false;
      }
    };
    inline Tracker*& tracker() {
      static Tracker* t = nullptr;
      return t;
    }

    struct Stats {
      std::size_t assertions = 0, failedAssertions = 0;
      bool currentFailed = false;
      std::vector<std::string> infos;
      std::string testName;
    };
    inline Stats& stats() {
      static Stats s;
      return s;
    }

    struct RequireFailed {};  // aborts the test case (a REQUIRE failed)

    inline void report(bool ok, const char* macro, const char* expr, const std::string& expansion, const char* file,
                       int line, bool fatal) {
      Stats& s = stats();
      ++s.assertions;
      if (ok)
        return;
      ++s.failedAssertions;
      s.currentFailed = true;
      std::cerr << file << ":" << line << ": FAILED in test case '" << s.testName << "':\n  " << macro << "( " << expr
                << " )\n";
      if (!expansion.empty())
        std::cerr << "with expansion:\n  " << expansion << "\n";
      for (const auto& i : s.infos)
        std::cerr << "with message:\n  " << i << "\n";
      std::cerr << std::endl;
      if (fatal)
        throw RequireFailed{};
    }

    struct Result {
      bool ok;
      std::string expansion;
    };
    template <typename L>
    struct ExprLhs {
      const L& lhs;
      template <typename R>
      Result op(const R& rhs, bool ok, const char* o) const {
        return {ok, stringify(lhs) + " " + o + " " + stringify(rhs)};
      }
      template <typename R>
      Result operator==(const R& r) const {
        return op(r, lhs == r, "==");
      }
      template <typename R>
      Result operator!=(const R& r) const {
        return op(r, lhs != r, "!=");
      }
      template <typename R>
      Result operator<(const R& r) const {
        return op(r, lhs < r, "<");
      }
      template <typename R>
      Result operator<=(const R& r) const {
        return op(r, lhs <= r, "<=");
      }
      template <typename R>
      Result operator>(const R& r) const {
        return op(r, lhs > r, ">");
      }
      template <typename R>
      Result operator>=(const R& r) const {
        return op(r, lhs >= r, ">=");
      }
      operator Result() const { return {static_cast<bool>(lhs), stringify(lhs)}; }
    };
    struct Decomposer {
      template <typename L>
      ExprLhs<L> operator<=(const L& lhs) const {
        return ExprLhs<L>{lhs};
      }
    };
    inline Result toResult(const Result& r) { return r; }
    template <typename L>
    Result toResult(const ExprLhs<L>& e) {
      return e;
    }

    struct Registrar {
      Registrar(void (*fn)(), const char* name, const char* tags, const char* file, int line) {
        registry().push_back({name, tags, fn, file, line});
      }
    };

    class Section {
    public:
      Section(const std::string& name) {
        Tracker& t = *tracker();
        path_ = t.path(name);
        if (t.isDone(path_))
          return;
        if (t.leafRan) {  // another section ran in this pass: this one waits for a later pass
          if (!t.childPending.empty())
            t.childPending.back() = true;
          t.anyPending = true;
          return;
        }
        entered_ = true;
        t.stack.push_back(name);
        t.childPending.push_back(false);
      }
      ~Section() {
        if (!entered_)
          return;
        Tracker& t = *tracker();
        const bool pending = t.childPending.back();
        t.stack.pop_back();
        t.childPending.pop_back();
        if (!pending || std::uncaught_exceptions() > 0)
          t.done.push_back(path_);
        t.leafRan = true;
      }
      Section(const Section&) = delete;
      Section& operator=(const Section&) = delete;
      explicit operator bool() const { return entered_; }

    private:
      std::string path_;
      bool entered_ = false;
    };

    struct ScopedInfo {
      explicit ScopedInfo(const std::string& m) { stats().infos.push_back(m); }
      ~ScopedInfo() { stats().infos.pop_back(); }
    };

    inline bool matches(const TestCase& tc, const std::vector<std::string>& filters) {
      if (filters.empty())
        return true;
      for (const auto& f : filters)
        if (f == tc.name || (!f.empty() && f.front() == '[' && tc.tags.find(f) != std::string::npos))
          return true;
      return false;
    }

    inline int runAll(int argc, char** argv) {
      std::vector<std::string> filters(argv + 1, argv + argc);
      std::size_t nCases = 0, failedCases = 0;
      for (const auto& tc : registry()) {
        if (!matches(tc, filters))
          continue;
        ++nCases;
        Stats& s = stats();
        s.testName = tc.name;
        s.currentFailed = false;
        Tracker t;
        tracker() = &t;
        do {  // one pass per leaf section
          t.leafRan = t.anyPending = false;
          t.stack.clear();
          t.childPending.clear();
          s.infos.clear();
          try {
            tc.fn();
          } catch (const RequireFailed&) {
          } catch (const std::exception& e) {
            report(false, "TEST_CASE", tc.name.c_str(), std::string("unexpected exception: ") + e.what(), tc.file,
                   tc.line, false);
          } catch (...) {
            report(false, "TEST_CASE", tc.name.c_str(), "unexpected exception of unknown type", tc.file, tc.line,
                   false);
          }
        } while (t.anyPending);
        tracker() = nullptr;
        failedCases += s.currentFailed;
      }
      const Stats& s = stats();
      std::cout << "===============================================================================\n";
      if (nCases == 0) {
        std::cout << "No tests ran\n";
        return 2;
      }
      if (failedCases == 0)
        std::cout << "All tests passed (" << s.assertions << " assertions in " << nCases << " test cases)\n";
      else
        std::cout << "test cases: " << nCases << " | " << nCases - failedCases << " passed | " << failedCases
                  << " failed\nassertions: " << s.assertions << " | " << s.assertions - s.failedAssertions
                  << " passed | " << s.failedAssertions << " failed\n";
      return static_cast<int>(failedCases);
    }
  }  // namespace detail

  // Catch::Contains(substring): a matcher for REQUIRE_THROWS_WITH
  struct Contains {
    std::string sub;
    explicit Contains(std::string s) : sub(std::move(s)) {}
    bool match(const std::string& s) const { return s.find(sub) != std::string::npos; }
    std::string describe() const { return "contains: \"" + sub + "\""; }
  };

  // Approx(x): equality within a relative epsilon (default 100 float epsilons, as Catch2's) or a margin
  class Approx {
  public:
    explicit Approx(double v) : value_(v) {}
    Approx& epsilon(double e) {
      eps_ = e;
      return *this;
    }
    Approx& margin(double m) {
      margin_ = m;
      return *this;
    }
    friend bool operator==(double x, const Approx& a) {
      const double d = std::abs(x - a.value_);
      return d <= a.margin_ || d <= a.eps_ * (a.scale_ + std::abs(a.value_));
    }
    friend bool operator==(const Approx& a, double x) { return x == a; }
    friend bool operator!=(double x, const Approx& a) { return !(x == a); }
    friend bool operator!=(const Approx& a, double x) { return !(x == a); }
    friend std::ostream& operator<<(std::ostream& os, const Approx& a) { return os << "Approx( " << a.value_ << " )"; }

  private:
    double value_, eps_ = 1.1920929e-05, margin_ = 0., scale_ = 0.;
  };
}  // namespace Catch

#define E2E_CATCH_CAT2(a, b) a##b
#define E2E_CATCH_CAT(a, b) E2E_CATCH_CAT2(a, b)
#define E2E_CATCH_UNIQUE(base) E2E_CATCH_CAT(base, __LINE__)

#define E2E_CATCH_TEST_CASE2(fn, name, ...)                                                                     \
  static void fn();                                                                                             \
  static const Catch::detail::Registrar E2E_CATCH_CAT(fn, _reg)(&fn, name, "" __VA_ARGS__, __FILE__, __LINE__); \
  static void fn()
#define TEST_CASE(...) E2E_CATCH_TEST_CASE2(E2E_CATCH_UNIQUE(e2e_catch_test_), __VA_ARGS__)
#define SECTION(name) if (const Catch::detail::Section E2E_CATCH_UNIQUE(e2e_catch_section_){name})

// (the decomposition `Decomposer() <= a == b` is what GCC's -Wparentheses warns of: silenced as Catch2 does)
#define E2E_CATCH_CHECK(macro, fatal, negate, ...)                                                                  \
  do {                                                                                                              \
    _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wparentheses\"")                              \
        const Catch::detail::Result e2e_r = Catch::detail::toResult(Catch::detail::Decomposer() <= __VA_ARGS__);    \
    _Pragma("GCC diagnostic pop")                                                                                   \
        Catch::detail::report(e2e_r.ok != negate, macro, #__VA_ARGS__, e2e_r.expansion, __FILE__, __LINE__, fatal); \
  } while (false)
#define REQUIRE(...) E2E_CATCH_CHECK("REQUIRE", true, false, __VA_ARGS__)
#define CHECK(...) E2E_CATCH_CHECK("CHECK", false, false, __VA_ARGS__)
#define REQUIRE_FALSE(...) E2E_CATCH_CHECK("REQUIRE_FALSE", true, true, __VA_ARGS__)
#define CHECK_FALSE(...) E2E_CATCH_CHECK("CHECK_FALSE", false, true, __VA_ARGS__)

#define E2E_CATCH_THROWS(macro, fatal, expr, Type, matcher)                                      \
  do {                                                                                           \
    std::string e2e_what = "no exception was thrown";                                            \
    bool e2e_ok = false;                                                                         \
    try {                                                                                        \
      static_cast<void>(expr);                                                                   \
    } catch (const Type& e2e_e) {                                                                \
      e2e_what = Catch::detail::whatOf(e2e_e);                                                   \
      e2e_ok = (matcher)(e2e_what);                                                              \
    } catch (...) {                                                                              \
      e2e_what = "an exception of another type: " + Catch::detail::whatOfCurrent();              \
    }                                                                                            \
    Catch::detail::report(e2e_ok, macro, #expr ", " #Type, e2e_what, __FILE__, __LINE__, fatal); \
  } while (false)
namespace Catch {
  namespace detail {
    inline std::string whatOf(const std::exception& e) { return e.what(); }
    template <typename T>
    std::string whatOf(const T&) {
      return "(not a std::exception)";
    }
    inline bool any(const std::string&) { return true; }
    inline std::string whatOfCurrent() {
      try {
        throw;
      } catch (const std::exception& e) {
        return e.what();
      } catch (...) {
        return "(of unknown type)";
      }
    }
    inline bool matchWith(const Contains& c, const std::string& s) { return c.match(s); }
    inline bool matchWith(const std::string& exact, const std::string& s) { return exact == s; }
  }  // namespace detail
}  // namespace Catch
#pragma GCC diagnostic pop
#define REQUIRE_THROWS_AS(expr, Type) E2E_CATCH_THROWS("REQUIRE_THROWS_AS", true, expr, Type, Catch::detail::any)
#define CHECK_THROWS_AS(expr, Type) E2E_CATCH_THROWS("CHECK_THROWS_AS", false, expr, Type, Catch::detail::any)
#define REQUIRE_THROWS(expr) E2E_CATCH_THROWS("REQUIRE_THROWS", true, expr, std::exception, Catch::detail::any)
#define REQUIRE_THROWS_WITH(expr, m)                                  \
  E2E_CATCH_THROWS("REQUIRE_THROWS_WITH", true, expr, std::exception, \
                   [&](const std::string& e2e_s) { return Catch::detail::matchWith(m, e2e_s); })
#define REQUIRE_NOTHROW(expr)                                                                    \
  do {                                                                                           \
    std::string e2e_what;                                                                        \
    bool e2e_ok = true;                                                                          \
    try {                                                                                        \
      static_cast<void>(expr);                                                                   \
    } catch (const std::exception& e2e_e) {                                                      \
      e2e_ok = false, e2e_what = std::string("threw: ") + e2e_e.what();                          \
    }                                                                                            \
    Catch::detail::report(e2e_ok, "REQUIRE_NOTHROW", #expr, e2e_what, __FILE__, __LINE__, true); \
  } while (false)
#define INFO(msg)                                                    \
  const Catch::detail::ScopedInfo E2E_CATCH_UNIQUE(e2e_catch_info_)( \
      static_cast<const std::ostringstream&>(std::ostringstream() << msg).str())
#define WARN(msg) \
  (std::cerr << "warning: " << static_cast<const std::ostringstream&>(std::ostringstream() << msg).str() << std::endl)

#ifdef CATCH_CONFIG_MAIN
int main(int argc, char** argv) { return Catch::detail::runAll(argc, argv); }
#endif
#endif
