# Кодирование открытых ответов (для сотрудников), скрытие личных данных в цитатах и закодированные
# вопросы на страницах результатов.

coding-link = Кодировать открытые ответы: { $question }
coding-title = Кодирование: { $question }
coding-heading = Кодирование открытых ответов: { $survey }
coding-manage = управление опросом
coding-progress = Закодировано { $coded } из { $total }
coding-second-progress = повторное кодирование { $coded } из { $total }
coding-disagreements = { $count ->
    [one] { $count } расхождение
    [few] { $count } расхождения
    [many] { $count } расхождений
   *[other] { $count } расхождения
}
coding-round-first = Кодирование
coding-round-second = Слепое повторное кодирование
coding-blind-note = Повторное кодирование слепое: коды первого кодировщика и подсказки не показываются.
coding-answer = Ответ { $position } из { $count }
coding-coded-by = Закодировал(а) { $coder }, { $at }
coding-suggested = Подсказка:
coding-confidence = { $percent } %
coding-codes = Коды
coding-save-next = Сохранить и дальше
coding-keys = Клавиши: 1–9, 0 — отметить код · Enter — сохранить · n / → — следующий · p / ← — предыдущий · / — поиск
coding-prev = Предыдущий
coding-next = Следующий
coding-quote = Опубликовать как цитату
coding-quote-preview = Будет опубликовано ровно это (телефоны, e-mail, ссылки и длинные числа скрыты):
coding-quote-under = Под кодом
coding-quote-publish = Опубликовать цитату
coding-all-done = Все ответы этого этапа закодированы.
coding-search = Поиск по ответам
coding-search-words = Слова (в любой форме)
coding-search-go = Найти
coding-search-count = { $count ->
    [one] Эти слова есть в { $count } ответе
    [few] Эти слова есть в { $count } ответах
    [many] Эти слова есть в { $count } ответах
   *[other] Эти слова есть в { $count } ответа
}
coding-search-more = Показаны только первые 200.
coding-bulk = Добавить код всем найденным ответам ({ $count }):
coding-bulk-apply = Применить ко всем
coding-disagreements-heading = Расхождения кодировщиков
coding-resolve = Решить: эти коды
coding-no-disagreements = Расхождений нет.
coding-agreement = Согласованность по { $count ->
    [one] { $count } ответу, закодированному дважды
    [few] { $count } ответам, закодированным дважды
    [many] { $count } ответам, закодированным дважды
   *[other] { $count } ответа, закодированным дважды
}
coding-alpha = α Криппендорфа по кодификатору (каждое решение «ответ × код»)
coding-code = Код
coding-first = Первый кодировщик
coding-second = Второй кодировщик
coding-quotes = Опубликованные цитаты
coding-quote-withdraw = снять
coding-no-quotes = Цитат пока нет.
coding-codebook = Кодификатор
coding-codebook-version = версия { $version }
coding-none-in-use = Ни один ответ ещё не закодирован.
coding-codebook-edit = Кодификатор в YAML (сохранённая правка становится новой версией; используемые коды удалить нельзя, отметьте их retired: true):
coding-codebook-save = Сохранить новую версию
coding-undefined-no-pairs = не вычисляется: нет дважды закодированных ответов
coding-undefined-no-variation = не вычисляется: всего одна категория

coding-error-unknown-question = В опросе нет вопроса «{ $question }».
coding-error-no-codebook = У вопроса «{ $question }» нет кодификатора: добавьте codebook: к текстовому вопросу в описании опроса.
coding-error-unknown-answer = Этого ответа нет среди ответов на вопрос.
coding-error-unknown-code = Кода «{ $code }» нет в кодификаторе.
coding-error-retired-code = Код «{ $code }» выведен из употребления, его больше нельзя присваивать.
coding-error-empty-search = Введите хотя бы одно слово для поиска.
coding-error-bad-codebook = Кодификатор не сохранён: { $problems }
coding-error-drops-codes = Кодификатор не сохранён: в нём нет кодов, которые есть у ответов: { $codes }. Оставьте их с retired: true или сначала перекодируйте эти ответы.
coding-error-same-coder = Повторно кодировать должен не тот, кто кодировал первым.
coding-error-action = Неизвестное действие кодирования.

coding-mask-email = [e-mail скрыт]
coding-mask-link = [ссылка скрыта]
coding-mask-number = [номер скрыт]

coding-results-coded = Закодировано { $coded } из { $answered ->
    [one] { $answered } ответа
    [few] { $answered } ответов
    [many] { $answered } ответов
   *[other] { $answered } ответа
}
coding-results-quotes = Цитаты

export-spss-code-given = есть этот код
export-spss-code-absent = закодирован без этого кода
export-spss-not-coded = не закодирован
